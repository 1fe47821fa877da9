//! Time-based one-time passwords (RFC 6238) from an authenticator secret,
//! through `totp-rs`: 6 digits, 30-second steps, HMAC-SHA1, as platforms'
//! "authenticator app" two-step verification uses.

use totp_rs::{Algorithm, Secret as Base32, TOTP};

use secrecy::ExposeSecret;

use super::credentials::Secret;

/// The code for `secret` (base32, spaces and case ignored) at `unix_time`.
pub fn code_at(secret: &Secret, unix_time: u64) -> anyhow::Result<String> {
    let cleaned: String = secret
        .expose_secret()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_uppercase();
    let bytes = Base32::Encoded(cleaned)
        .to_bytes()
        // The parse error would quote the secret: say only what is wrong.
        .map_err(|_| anyhow::anyhow!("the stored TOTP secret is not base32 (letters A–Z and digits 2–7)"))?;
    Ok(generator(Algorithm::SHA1, 6, bytes).generate(unix_time))
}

/// The code for now.
pub fn code_now(secret: &Secret) -> anyhow::Result<String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    code_at(secret, now)
}

fn generator(algorithm: Algorithm, digits: usize, secret: Vec<u8>) -> TOTP {
    // `new_unchecked`: the RFC's own test secrets are shorter than the
    // 128 bits `TOTP::new` insists on.
    TOTP::new_unchecked(algorithm, digits, 1, 30, secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, Appendix B: the test vectors (8 digits).
    #[test]
    fn rfc_6238_test_vectors() {
        let sha1 = b"12345678901234567890".to_vec();
        let sha256 = b"12345678901234567890123456789012".to_vec();
        let sha512 = b"1234567890123456789012345678901234567890123456789012345678901234".to_vec();
        let vectors: [(u64, &str, &str, &str); 6] = [
            (59, "94287082", "46119246", "90693936"),
            (1111111109, "07081804", "68084774", "25091201"),
            (1111111111, "14050471", "67062674", "99943326"),
            (1234567890, "89005924", "91819424", "93441116"),
            (2000000000, "69279037", "90698825", "38618901"),
            (20000000000, "65353130", "77737706", "47863826"),
        ];
        for (time, want1, want256, want512) in vectors {
            assert_eq!(
                generator(Algorithm::SHA1, 8, sha1.clone()).generate(time),
                want1,
                "SHA1 at {time}"
            );
            assert_eq!(
                generator(Algorithm::SHA256, 8, sha256.clone()).generate(time),
                want256,
                "SHA256 at {time}"
            );
            assert_eq!(
                generator(Algorithm::SHA512, 8, sha512.clone()).generate(time),
                want512,
                "SHA512 at {time}"
            );
        }
    }

    #[test]
    fn base32_secrets_as_platforms_show_them() {
        // "12345678901234567890" in base32, with the spacing and lower case
        // an authenticator setup page may show.
        let secret = Secret::from("gezd gnbv gy3t qojq gezd gnbv gy3t qojq");
        // The RFC's SHA1 vector at 59 s, last 6 digits.
        assert_eq!(code_at(&secret, 59).unwrap(), "287082");
        let err = code_at(&Secret::from("not base32!"), 59).unwrap_err().to_string();
        assert!(!err.contains("not base32!"), "the error quotes the secret: {err}");
    }
}
