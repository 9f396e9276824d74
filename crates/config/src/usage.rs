//! cfssl's usage strings (`"signing"`, `"server auth"`, …) and what they mean in X.509
//! (docs/cfssl-compat.md §3.3.4, cfssl `config.KeyUsage` / `config.ExtKeyUsage`).

use const_oid::ObjectIdentifier;

/// An X.509 KeyUsage bit set in Go's numbering: bit `i` is RFC 5280 §4.2.1.3 bit `i`.
///
/// ```text
/// KeyUsage ::= BIT STRING {
///      digitalSignature        (0),
///      nonRepudiation          (1), -- recent editions of X.509 have
///                                   -- renamed this bit to contentCommitment
///      keyEncipherment         (2),
///      dataEncipherment        (3),
///      keyAgreement            (4),
///      keyCertSign             (5),
///      cRLSign                 (6),
///      encipherOnly            (7),
///      decipherOnly            (8) }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct KeyUsageBits(pub u16);

impl KeyUsageBits {
    /// digitalSignature (bit 0).
    pub const DIGITAL_SIGNATURE: KeyUsageBits = KeyUsageBits(1 << 0);
    /// contentCommitment, formerly nonRepudiation (bit 1).
    pub const CONTENT_COMMITMENT: KeyUsageBits = KeyUsageBits(1 << 1);
    /// keyEncipherment (bit 2).
    pub const KEY_ENCIPHERMENT: KeyUsageBits = KeyUsageBits(1 << 2);
    /// dataEncipherment (bit 3).
    pub const DATA_ENCIPHERMENT: KeyUsageBits = KeyUsageBits(1 << 3);
    /// keyAgreement (bit 4).
    pub const KEY_AGREEMENT: KeyUsageBits = KeyUsageBits(1 << 4);
    /// keyCertSign (bit 5).
    pub const KEY_CERT_SIGN: KeyUsageBits = KeyUsageBits(1 << 5);
    /// cRLSign (bit 6).
    pub const CRL_SIGN: KeyUsageBits = KeyUsageBits(1 << 6);
    /// encipherOnly (bit 7).
    pub const ENCIPHER_ONLY: KeyUsageBits = KeyUsageBits(1 << 7);
    /// decipherOnly (bit 8).
    pub const DECIPHER_ONLY: KeyUsageBits = KeyUsageBits(1 << 8);

    /// True when every bit of `other` is set here.
    pub fn contains(self, other: KeyUsageBits) -> bool {
        self.0 & other.0 == other.0
    }

    /// Sets the bits of `other`.
    pub fn insert(&mut self, other: KeyUsageBits) {
        self.0 |= other.0;
    }

    /// Clears the bits of `other`.
    pub fn remove(&mut self, other: KeyUsageBits) {
        self.0 &= !other.0;
    }

    /// True when no bit is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// Extended key usage OIDs named by cfssl's usage strings (RFC 5280 §4.2.1.12 and
/// vendor registrations).
pub mod eku {
    use const_oid::ObjectIdentifier;

    /// anyExtendedKeyUsage.
    pub const ANY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37.0");
    /// id-kp-serverAuth.
    pub const SERVER_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1");
    /// id-kp-clientAuth.
    pub const CLIENT_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2");
    /// id-kp-codeSigning.
    pub const CODE_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.3");
    /// id-kp-emailProtection.
    pub const EMAIL_PROTECTION: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.4");
    /// id-kp-ipsecEndSystem.
    pub const IPSEC_END_SYSTEM: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.5");
    /// id-kp-ipsecTunnel.
    pub const IPSEC_TUNNEL: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.6");
    /// id-kp-ipsecUser.
    pub const IPSEC_USER: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.7");
    /// id-kp-timeStamping.
    pub const TIME_STAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");
    /// id-kp-OCSPSigning.
    pub const OCSP_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.9");
    /// Microsoft Server Gated Crypto.
    pub const MICROSOFT_SGC: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.10.3.3");
    /// Netscape Server Gated Crypto.
    pub const NETSCAPE_SGC: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("2.16.840.1.113730.4.1");
}

/// What one usage string stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    /// A KeyUsage bit.
    Key(KeyUsageBits),
    /// An extended key usage.
    Extended(ObjectIdentifier),
}

impl Usage {
    /// Looks up a cfssl usage string: exact and case-sensitive, as cfssl's maps are
    /// (`"Signing"` and `"server-auth"` are unknown).
    pub fn from_name(name: &str) -> Option<Usage> {
        use Usage::{Extended as E, Key as K};
        Some(match name {
            "signing" | "digital signature" => K(KeyUsageBits::DIGITAL_SIGNATURE),
            "content commitment" => K(KeyUsageBits::CONTENT_COMMITMENT),
            "key encipherment" => K(KeyUsageBits::KEY_ENCIPHERMENT),
            "data encipherment" => K(KeyUsageBits::DATA_ENCIPHERMENT),
            "key agreement" => K(KeyUsageBits::KEY_AGREEMENT),
            "cert sign" => K(KeyUsageBits::KEY_CERT_SIGN),
            "crl sign" => K(KeyUsageBits::CRL_SIGN),
            "encipher only" => K(KeyUsageBits::ENCIPHER_ONLY),
            "decipher only" => K(KeyUsageBits::DECIPHER_ONLY),
            "any" => E(eku::ANY),
            "server auth" => E(eku::SERVER_AUTH),
            "client auth" => E(eku::CLIENT_AUTH),
            "code signing" => E(eku::CODE_SIGNING),
            "email protection" | "s/mime" => E(eku::EMAIL_PROTECTION),
            "ipsec end system" => E(eku::IPSEC_END_SYSTEM),
            "ipsec tunnel" => E(eku::IPSEC_TUNNEL),
            "ipsec user" => E(eku::IPSEC_USER),
            "timestamping" => E(eku::TIME_STAMPING),
            "ocsp signing" => E(eku::OCSP_SIGNING),
            "microsoft sgc" => E(eku::MICROSOFT_SGC),
            "netscape sgc" => E(eku::NETSCAPE_SGC),
            _ => return None,
        })
    }
}

/// A profile's `usages` translated like cfssl's `SigningProfile.Usages()`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usages {
    /// Every KeyUsage string OR-ed together.
    pub key_usage: KeyUsageBits,
    /// Extended key usages in list order, duplicates kept (`["email protection", "s/mime"]`
    /// gives emailProtection twice, as cfssl does).
    pub ext_key_usages: Vec<ObjectIdentifier>,
    /// Strings that name no usage, in list order; cfssl ignores them when signing.
    pub unknown: Vec<String>,
}

impl Usages {
    /// Translates a usage list (docs/cfssl-compat.md §3.3.4).
    pub fn from_names<S: AsRef<str>>(names: &[S]) -> Usages {
        let mut out = Usages::default();
        for name in names {
            match Usage::from_name(name.as_ref()) {
                Some(Usage::Key(bits)) => out.key_usage.insert(bits),
                Some(Usage::Extended(oid)) => out.ext_key_usages.push(oid),
                None => out.unknown.push(name.as_ref().to_string()),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_of_the_table() {
        let key: &[(&str, u16)] = &[
            ("signing", 0),
            ("digital signature", 0),
            ("content commitment", 1),
            ("key encipherment", 2),
            ("data encipherment", 3),
            ("key agreement", 4),
            ("cert sign", 5),
            ("crl sign", 6),
            ("encipher only", 7),
            ("decipher only", 8),
        ];
        for (name, bit) in key {
            assert_eq!(
                Usage::from_name(name),
                Some(Usage::Key(KeyUsageBits(1 << bit))),
                "{name}"
            );
        }
        let ext: &[(&str, &str)] = &[
            ("any", "2.5.29.37.0"),
            ("server auth", "1.3.6.1.5.5.7.3.1"),
            ("client auth", "1.3.6.1.5.5.7.3.2"),
            ("code signing", "1.3.6.1.5.5.7.3.3"),
            ("email protection", "1.3.6.1.5.5.7.3.4"),
            ("s/mime", "1.3.6.1.5.5.7.3.4"),
            ("ipsec end system", "1.3.6.1.5.5.7.3.5"),
            ("ipsec tunnel", "1.3.6.1.5.5.7.3.6"),
            ("ipsec user", "1.3.6.1.5.5.7.3.7"),
            ("timestamping", "1.3.6.1.5.5.7.3.8"),
            ("ocsp signing", "1.3.6.1.5.5.7.3.9"),
            ("microsoft sgc", "1.3.6.1.4.1.311.10.3.3"),
            ("netscape sgc", "2.16.840.1.113730.4.1"),
        ];
        for (name, oid) in ext {
            let want = ObjectIdentifier::new(oid).expect("valid OID");
            assert_eq!(
                Usage::from_name(name),
                Some(Usage::Extended(want)),
                "{name}"
            );
        }
    }

    #[test]
    fn names_are_exact_and_case_sensitive() {
        for name in [
            "Signing",
            "SIGNING",
            "server-auth",
            " signing",
            "content committment",
            "",
        ] {
            assert_eq!(Usage::from_name(name), None, "{name:?}");
        }
    }

    #[test]
    fn list_translation_keeps_order_and_duplicates() {
        let u = Usages::from_names(&[
            "signing",
            "email protection",
            "bogus",
            "s/mime",
            "key encipherment",
            "server auth",
            "digital signature",
            "Server Auth",
        ]);
        assert_eq!(
            u.key_usage,
            KeyUsageBits(KeyUsageBits::DIGITAL_SIGNATURE.0 | KeyUsageBits::KEY_ENCIPHERMENT.0)
        );
        assert_eq!(
            u.ext_key_usages,
            [
                eku::EMAIL_PROTECTION,
                eku::EMAIL_PROTECTION,
                eku::SERVER_AUTH
            ]
        );
        assert_eq!(u.unknown, ["bogus", "Server Auth"]);
        assert_eq!(Usages::from_names::<&str>(&[]), Usages::default());
    }

    #[test]
    fn bit_operations() {
        let mut ku = KeyUsageBits::default();
        assert!(ku.is_empty());
        ku.insert(KeyUsageBits::KEY_CERT_SIGN);
        ku.insert(KeyUsageBits::CRL_SIGN);
        assert!(ku.contains(KeyUsageBits::KEY_CERT_SIGN));
        assert!(ku.contains(KeyUsageBits(
            KeyUsageBits::KEY_CERT_SIGN.0 | KeyUsageBits::CRL_SIGN.0
        )));
        assert!(!ku.contains(KeyUsageBits::DIGITAL_SIGNATURE));
        ku.remove(KeyUsageBits::KEY_CERT_SIGN);
        assert_eq!(ku, KeyUsageBits::CRL_SIGN);
        assert_eq!(KeyUsageBits::DECIPHER_ONLY.0, 256);
    }
}
