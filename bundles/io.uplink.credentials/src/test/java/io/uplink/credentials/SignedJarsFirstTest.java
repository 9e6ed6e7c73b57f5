package io.uplink.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SignedJarsFirstTest {

    /** The fuzz targets rely on it to find Bouncy Castle's jars; a change of surefire's class path would hide them. */
    @Test
    void findsEachSignedBouncyCastleJarOnTheTestClassPath() throws Exception {
        assertThat(SignedJarsFirst.verifyNow()).anyMatch(j -> j.contains("bcprov-"))
                .anyMatch(j -> j.contains("bcpkix-")).anyMatch(j -> j.contains("bcutil-"))
                .noneMatch(j -> j.contains("assertj"));
    }
}
