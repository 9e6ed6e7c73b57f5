package org.eclipse.kura.crypto;

import org.eclipse.kura.KuraException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Build-time declaration of the one method of Kura's CryptoService Uplink calls: Kura stores the values of Password
 * fields encrypted in ConfigAdmin, and each component decrypts them with this.
 */
@ProviderType
public interface CryptoService {

    char[] decryptAes(char[] encryptedValue) throws KuraException;
}
