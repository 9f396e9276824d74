//! Signature algorithms as cfssl's certinfo names them: the string of
//! `helpers.SignatureString` for `-cert` and Go's `x509.SignatureAlgorithm` number for
//! `-csr` (docs/cfssl-compat.md §1.7.6). One table, so the two views cannot drift apart.

use const_oid::ObjectIdentifier;

/// (OID, `helpers.SignatureString`, Go `x509.SignatureAlgorithm`).
const ALGORITHMS: &[(&str, &str, u8)] = &[
    ("1.2.840.113549.1.1.2", "MD2WithRSA", 1),
    ("1.2.840.113549.1.1.4", "MD5WithRSA", 2),
    ("1.2.840.113549.1.1.5", "SHA1WithRSA", 3),
    ("1.2.840.113549.1.1.11", "SHA256WithRSA", 4),
    ("1.2.840.113549.1.1.12", "SHA384WithRSA", 5),
    ("1.2.840.113549.1.1.13", "SHA512WithRSA", 6),
    ("1.2.840.10040.4.3", "DSAWithSHA1", 7),
    ("2.16.840.1.101.3.4.3.2", "DSAWithSHA256", 8),
    ("1.2.840.10045.4.1", "ECDSAWithSHA1", 9),
    ("1.2.840.10045.4.3.2", "ECDSAWithSHA256", 10),
    ("1.2.840.10045.4.3.3", "ECDSAWithSHA384", 11),
    ("1.2.840.10045.4.3.4", "ECDSAWithSHA512", 12),
    ("1.3.101.112", "Ed25519", 16),
];

fn find(oid: &ObjectIdentifier) -> Option<&'static (&'static str, &'static str, u8)> {
    let dotted = oid.to_string();
    ALGORITHMS.iter().find(|(o, _, _)| *o == dotted)
}

/// cfssl's `helpers.SignatureString`; `Unknown Signature` for anything else.
pub fn signature_name(oid: &ObjectIdentifier) -> &'static str {
    find(oid).map_or("Unknown Signature", |(_, name, _)| name)
}

/// Go's `x509.SignatureAlgorithm` enum value (0 = unknown).
pub fn go_signature_algorithm(oid: &ObjectIdentifier) -> u8 {
    find(oid).map_or(0, |(_, _, number)| *number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers() {
        let ecdsa = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
        assert_eq!(signature_name(&ecdsa), "ECDSAWithSHA256");
        assert_eq!(go_signature_algorithm(&ecdsa), 10);
        let ed = ObjectIdentifier::new_unwrap("1.3.101.112");
        assert_eq!(
            (signature_name(&ed), go_signature_algorithm(&ed)),
            ("Ed25519", 16)
        );
        let unknown = ObjectIdentifier::new_unwrap("1.2.3.4");
        assert_eq!(signature_name(&unknown), "Unknown Signature");
        assert_eq!(go_signature_algorithm(&unknown), 0);
    }
}
