package org.eclipse.kura;

/** Build-time declaration: the codes of Kura's {@code KuraErrorCode} that Uplink uses (Kura's enum has more). */
public enum KuraErrorCode {
    CONFIGURATION_ERROR,
    NOT_CONNECTED,
    TIMED_OUT,
    CONNECTION_FAILED,
    DISCONNECTION_FAILED,
    STORE_ERROR,
    ENCODE_ERROR,
    INVALID_MESSAGE_EXCEPTION,
    OPERATION_NOT_SUPPORTED,
    INVALID_PARAMETER
}
