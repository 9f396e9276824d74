//! The `{"cert","csr","key"}` object that cfssl's commands print (docs/cfssl-compat.md §1.5, §4).

use zeroize::{Zeroize, Zeroizing};

use cfssl_json::marshal_string;

/// What `gencert`, `sign`, `genkey`, `gencsr` and `selfsign` print: PEM texts by role.
///
/// cfssl's `PrintCert` builds a `map[string]string` of the present parts and `json.Marshal`s
/// it, so keys come out alphabetically (`cert`, `csr`, `key`), compact, and the line ends with
/// `\n` (docs/cfssl-compat.md §1.5). A present but empty part still gets its key.
///
/// `key` is a private key: the struct wipes all three strings when dropped, and
/// [`CertOutput::to_json_line`] returns a [`Zeroizing`] string.
///
/// ```
/// use cfssl_output::CertOutput;
/// let out = CertOutput {
///     cert: Some("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n".into()),
///     csr: None,
///     key: Some("K\n".into()),
/// };
/// assert_eq!(
///     out.to_json_line().as_str(),
///     "{\"cert\":\"-----BEGIN CERTIFICATE-----\\nAA==\\n-----END CERTIFICATE-----\\n\",\"key\":\"K\\n\"}\n"
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertOutput {
    /// The certificate PEM (`cert`).
    pub cert: Option<String>,
    /// The certificate request PEM (`csr`).
    pub csr: Option<String>,
    /// The private key PEM (`key`); secret.
    pub key: Option<String>,
}

impl CertOutput {
    /// The exact line cfssl's `PrintCert` writes to stdout, trailing `\n` included.
    pub fn to_json_line(&self) -> Zeroizing<String> {
        let parts = [("cert", &self.cert), ("csr", &self.csr), ("key", &self.key)];
        let mut out = Zeroizing::new(String::with_capacity(
            parts
                .iter()
                .map(|(_, v)| v.as_ref().map_or(0, |s| s.len() + 16))
                .sum::<usize>()
                + 4,
        ));
        out.push('{');
        let mut first = true;
        for (name, value) in parts {
            let Some(value) = value else { continue };
            if !first {
                out.push(',');
            }
            first = false;
            out.push('"');
            out.push_str(name);
            out.push_str("\":");
            let quoted = Zeroizing::new(marshal_string(value));
            out.push_str(&quoted);
        }
        out.push_str("}\n");
        out
    }
}

impl Drop for CertOutput {
    fn drop(&mut self) {
        self.cert.zeroize();
        self.csr.zeroize();
        self.key.zeroize();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn alphabetical_and_partial() {
        let all = CertOutput {
            key: Some("k".into()),
            csr: Some("r".into()),
            cert: Some("c".into()),
        };
        assert_eq!(
            all.to_json_line().as_str(),
            "{\"cert\":\"c\",\"csr\":\"r\",\"key\":\"k\"}\n"
        );
        let sign = CertOutput {
            cert: Some("c".into()),
            csr: Some(String::new()),
            key: None,
        };
        assert_eq!(
            sign.to_json_line().as_str(),
            "{\"cert\":\"c\",\"csr\":\"\"}\n"
        );
        assert_eq!(CertOutput::default().to_json_line().as_str(), "{}\n");
    }

    #[test]
    fn matches_cfssl_fixture() {
        // cfssl 1.6.5 output of `gencert -initca` (testdata/cfssl-1.6.5/ca.json).
        let cert = include_str!("../../../testdata/cfssl-1.6.5/ca.pem");
        let csr = include_str!("../../../testdata/cfssl-1.6.5/ca.csr");
        let key = include_str!("../../../testdata/cfssl-1.6.5/ca-key.pem");
        let expected = include_str!("../../../testdata/cfssl-1.6.5/ca.json");
        let out = CertOutput {
            cert: Some(cert.into()),
            csr: Some(csr.into()),
            key: Some(key.into()),
        };
        assert_eq!(out.to_json_line().as_str(), expected);
    }
}
