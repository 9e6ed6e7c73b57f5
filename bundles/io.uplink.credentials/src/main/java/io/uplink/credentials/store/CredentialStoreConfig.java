package io.uplink.credentials.store;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = CredentialStoreConfig.PID, name = "Uplink credential store",
        description = "Certificates and keys for TLS and for modems, stored encrypted (BCFKS: PBKDF2 and AES-CCM). "
                + "Import them with 'bin/uplink creds import'; never paste keys into this form.")
@interface CredentialStoreConfig {

    String PID = "io.uplink.credentials";

    @AttributeDefinition(name = "Store file",
            description = "Path of the encrypted store file. Empty = data/credentials/credentials.bcfks under the "
                    + "gateway's installation folder (the bundle's data area on Kura). Example: "
                    + "/var/lib/uplink/credentials.bcfks")
    String store_path() default "";

    @AttributeDefinition(name = "Store secret file",
            description = "File holding the secret that encrypts the store (one line). Empty = store.secret beside "
                    + "the store file, generated on first use. Put it on separate storage to keep it apart from the "
                    + "store. Changing it makes an existing store unreadable until the old secret is restored.")
    String store_secret_file() default "";

    @AttributeDefinition(name = "Store secret", type = AttributeType.PASSWORD, required = false,
            description = "The secret itself, instead of a file. Takes precedence over the "
                    + "secret file. Kept by ConfigAdmin: prefer the secret file on a shared or backed-up gateway.")
    String _store_secret() default "";

    @AttributeDefinition(name = "Expiry warning (days)", min = "1", max = "365",
            description = "Warn this many days before a device certificate expires. Range 1-365. Default 30.")
    int expiry_warning_days() default 30;
}
