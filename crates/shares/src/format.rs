//! The share file: a PEM-like text block that says what it is and checks itself
//! (docs/key-shares.md has the full description).
//!
//! ```text
//! cfssl-rs key share 2 of 5: any 3 shares of this set restore the key …
//!
//! -----BEGIN CFSSL-RS KEY SHARE-----
//! Version: 1
//! Share: 2 of 5
//! Threshold: 3
//! Set-Id: 0f3c…(32 hex digits)
//! Key-Fingerprint: SHA256:…
//! Fingerprint-Of: public-key
//! Secret-Length: 227
//! Secret-Digest: SHA256:…
//! Checksum: 5d0c1e2f3a4b5c6d
//!
//! …base64 of the share's bytes, 64 characters a line…
//! -----END CFSSL-RS KEY SHARE-----
//! ```
//!
//! Why text: the holders of a share keep it on paper, a USB stick or a password manager,
//! and must be able to tell by reading it which key and which split it belongs to. Why a
//! checksum: a share with a flipped bit still combines, silently, into a wrong key; the
//! secret digest would catch that only after combining, without saying which file was bad.
//! The checksum (SHA-256 over the canonical headers and the decoded body, first 8 bytes)
//! names the bad file before anything is combined. It protects against accidents, not
//! against someone forging a share: that is what the secret digest and the key fingerprint
//! checks after combining are for.
//!
//! Text before the BEGIN line is a note for people and is ignored, as RFC 7468 §5.2
//! allows for explanatory text around PEM blocks.

use base64ct::{Base64, Encoding};
use zeroize::Zeroizing;

use crate::fingerprint::{FingerprintOf, KeyFingerprint, hex, sha256, unhex};

const BEGIN: &str = "-----BEGIN CFSSL-RS KEY SHARE-----";
const END: &str = "-----END CFSSL-RS KEY SHARE-----";
const VERSION: &str = "1";

/// Bytes of checksum kept: 64 bits make an accidental match out of reach.
const CHECKSUM_LEN: usize = 8;

/// Base64 characters a line, as in PEM (RFC 7468 §2).
const LINE: usize = 64;

/// The largest secret accepted (key files are a few kilobytes; this bounds what a hostile
/// share file can make us allocate).
pub const MAX_SECRET_LEN: usize = 1 << 20;

/// One share of a split key file.
///
/// The share's bytes are secret (M of them give the key): they live in a [`Zeroizing`]
/// buffer and `Debug` does not show them.
#[derive(Clone, PartialEq, Eq)]
pub struct Share {
    /// 1..=count: the share's x coordinate in GF(256).
    pub index: u8,
    /// N: how many shares the split made.
    pub count: u8,
    /// M: how many are needed to restore.
    pub threshold: u8,
    /// Random per split, so shares of two splits of one key are told apart.
    pub set_id: [u8; 16],
    /// The key the shares restore.
    pub fingerprint: KeyFingerprint,
    /// SHA-256 of the whole key file, to detect a wrong reconstruction.
    pub secret_digest: [u8; 32],
    /// The polynomials' values at `index`, one byte per byte of the key file.
    pub data: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Share")
            .field("index", &self.index)
            .field("count", &self.count)
            .field("threshold", &self.threshold)
            .field("set_id", &hex(&self.set_id))
            .field("fingerprint", &self.fingerprint.to_string())
            .field("data", &format_args!("<{} secret bytes>", self.data.len()))
            .finish()
    }
}

impl Share {
    /// The set id as it is written: 32 lowercase hex digits.
    pub fn set_id_hex(&self) -> String {
        hex(&self.set_id)
    }

    /// The headers in their canonical order and spelling, without `Checksum`: what the
    /// checksum covers (with the body), and what [`Share::to_text`] writes.
    fn canonical_headers(&self) -> String {
        format!(
            "Version: {VERSION}\nShare: {} of {}\nThreshold: {}\nSet-Id: {}\nKey-Fingerprint: {}\nFingerprint-Of: {}\nSecret-Length: {}\nSecret-Digest: SHA256:{}\n",
            self.index,
            self.count,
            self.threshold,
            hex(&self.set_id),
            self.fingerprint,
            self.fingerprint.of.as_str(),
            self.data.len(),
            hex(&self.secret_digest),
        )
    }

    fn checksum(&self) -> [u8; CHECKSUM_LEN] {
        let mut covered = Zeroizing::new(self.canonical_headers().into_bytes());
        covered.push(b'\n');
        covered.extend_from_slice(&self.data);
        let digest = sha256(&covered);
        let mut out = [0u8; CHECKSUM_LEN];
        out.copy_from_slice(&digest[..CHECKSUM_LEN]);
        out
    }

    /// The share file's text: a note for people, then the block.
    pub fn to_text(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(format!(
            "cfssl-rs key share {} of {}: any {} shares of this set restore the key\n\
             (cfssl-rs key combine SHARE...). Keep it secret, and apart from the other shares.\n\n",
            self.index, self.count, self.threshold
        ));
        out.push_str(BEGIN);
        out.push('\n');
        out.push_str(&self.canonical_headers());
        out.push_str(&format!("Checksum: {}\n\n", hex(&self.checksum())));
        let body = Zeroizing::new(Base64::encode_string(&self.data));
        for line in body.as_bytes().chunks(LINE) {
            out.push_str(&String::from_utf8_lossy(line));
            out.push('\n');
        }
        out.push_str(END);
        out.push('\n');
        out
    }

    /// Reads a share file's text and checks its checksum.
    ///
    /// # Errors
    /// What is wrong, in words (the caller adds the file name).
    pub fn parse(text: &[u8]) -> Result<Share, String> {
        let text = std::str::from_utf8(text).map_err(|_| "not UTF-8 text".to_owned())?;
        let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
        if !lines.by_ref().any(|l| l.trim() == BEGIN) {
            return Err(format!("no {BEGIN} line"));
        }
        let mut headers = Headers::default();
        for line in lines.by_ref() {
            if line.trim().is_empty() {
                break;
            }
            headers.add(line)?;
        }
        let mut body = Zeroizing::new(String::new());
        let mut ended = false;
        for line in lines {
            if line.trim() == END {
                ended = true;
                break;
            }
            if body.len() > MAX_SECRET_LEN * 2 {
                return Err("the share is too large".to_owned());
            }
            body.push_str(line.trim());
        }
        if !ended {
            return Err(format!("no {END} line"));
        }
        let data = Zeroizing::new(
            Base64::decode_vec(&body).map_err(|_| "the share's body is not valid base64")?,
        );
        headers.into_share(data)
    }
}

/// The headers as read, each at most once.
#[derive(Default)]
struct Headers {
    version: Option<String>,
    share: Option<String>,
    threshold: Option<String>,
    set_id: Option<String>,
    fingerprint: Option<String>,
    fingerprint_of: Option<String>,
    secret_length: Option<String>,
    secret_digest: Option<String>,
    checksum: Option<String>,
}

impl Headers {
    fn add(&mut self, line: &str) -> Result<(), String> {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("a header line without a colon: {:?}", truncate(line)))?;
        let slot = match name.trim() {
            "Version" => &mut self.version,
            "Share" => &mut self.share,
            "Threshold" => &mut self.threshold,
            "Set-Id" => &mut self.set_id,
            "Key-Fingerprint" => &mut self.fingerprint,
            "Fingerprint-Of" => &mut self.fingerprint_of,
            "Secret-Length" => &mut self.secret_length,
            "Secret-Digest" => &mut self.secret_digest,
            "Checksum" => &mut self.checksum,
            other => return Err(format!("unknown header {:?}", truncate(other))),
        };
        if slot.is_some() {
            return Err(format!("header {} given twice", name.trim()));
        }
        *slot = Some(value.trim().to_owned());
        Ok(())
    }

    fn into_share(self, data: Zeroizing<Vec<u8>>) -> Result<Share, String> {
        let version = required(self.version, "Version")?;
        if version != VERSION {
            return Err(format!(
                "share format version {:?} is not supported (this cfssl-rs reads version {VERSION})",
                truncate(&version)
            ));
        }
        let share = required(self.share, "Share")?;
        let (index, count) = share
            .split_once(" of ")
            .and_then(|(i, n)| Some((i.trim().parse::<u8>().ok()?, n.trim().parse::<u8>().ok()?)))
            .ok_or_else(|| format!("Share: {:?} is not \"I of N\"", truncate(&share)))?;
        let threshold = required(self.threshold, "Threshold")?;
        let threshold = threshold
            .parse::<u8>()
            .map_err(|_| format!("Threshold: {:?} is not a number", truncate(&threshold)))?;
        if index == 0 || index > count || threshold < 2 || threshold > count {
            return Err(format!(
                "impossible numbers: share {index} of {count}, threshold {threshold}"
            ));
        }
        let set_id = required(self.set_id, "Set-Id")?;
        let set_id = unhex::<16>(&set_id).ok_or("Set-Id is not 32 hex digits")?;
        let of = required(self.fingerprint_of, "Fingerprint-Of")?;
        let of = FingerprintOf::parse(&of)
            .ok_or_else(|| format!("Fingerprint-Of: unknown value {:?}", truncate(&of)))?;
        let fingerprint = required(self.fingerprint, "Key-Fingerprint")?;
        let fingerprint = sha256_value(&fingerprint, "Key-Fingerprint")?;
        let digest = required(self.secret_digest, "Secret-Digest")?;
        let secret_digest = sha256_value(&digest, "Secret-Digest")?;
        let length = required(self.secret_length, "Secret-Length")?;
        let length = length
            .parse::<usize>()
            .map_err(|_| format!("Secret-Length: {:?} is not a number", truncate(&length)))?;
        let checksum = required(self.checksum, "Checksum")?;
        let checksum = unhex::<CHECKSUM_LEN>(&checksum).ok_or("Checksum is not 16 hex digits")?;
        let share = Share {
            index,
            count,
            threshold,
            set_id,
            fingerprint: KeyFingerprint {
                sha256: fingerprint,
                of,
            },
            secret_digest,
            data,
        };
        // The checksum first: a damaged body is reported as damage, not as a wrong length.
        if share.checksum() != checksum {
            return Err("checksum mismatch: the file was damaged or edited".to_owned());
        }
        if share.data.len() != length || length == 0 {
            return Err(format!(
                "the body holds {} bytes and Secret-Length says {length}",
                share.data.len()
            ));
        }
        Ok(share)
    }
}

fn required(value: Option<String>, name: &str) -> Result<String, String> {
    value.ok_or_else(|| format!("header {name} is missing"))
}

fn sha256_value(text: &str, name: &str) -> Result<[u8; 32], String> {
    text.strip_prefix("SHA256:")
        .and_then(unhex::<32>)
        .ok_or_else(|| format!("{name} is not SHA256: and 64 hex digits"))
}

/// At most 40 characters of something read from a file, for an error message.
fn truncate(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Share {
        Share {
            index: 2,
            count: 5,
            threshold: 3,
            set_id: [7; 16],
            fingerprint: KeyFingerprint {
                sha256: [1; 32],
                of: FingerprintOf::PublicKey,
            },
            secret_digest: [2; 32],
            data: Zeroizing::new((0..=200u8).collect()),
        }
    }

    #[test]
    fn text_round_trips_and_reads_well() {
        let share = sample();
        let text = share.to_text();
        assert!(text.contains(
            "\n-----BEGIN CFSSL-RS KEY SHARE-----\nVersion: 1\nShare: 2 of 5\nThreshold: 3\n"
        ));
        assert!(text.contains(&format!("Set-Id: {}\n", "07".repeat(16))));
        assert!(text.contains(&format!("Key-Fingerprint: SHA256:{}\n", "01".repeat(32))));
        assert!(text.contains("Fingerprint-Of: public-key\nSecret-Length: 201\n"));
        assert!(text.ends_with("-----END CFSSL-RS KEY SHARE-----\n"));
        assert!(text.lines().all(|l| l.len() <= 100));
        assert_eq!(Share::parse(text.as_bytes()), Ok(share.clone()));
        // CRLF line ends (a share copied through Windows) read the same.
        let crlf = text.replace('\n', "\r\n");
        assert_eq!(Share::parse(crlf.as_bytes()), Ok(share));
    }

    #[test]
    fn debug_hides_the_secret() {
        let shown = format!("{:?}", sample());
        assert!(shown.contains("<201 secret bytes>"), "{shown}");
        assert!(!shown.contains("[0, 1, 2"));
    }

    #[test]
    fn every_single_byte_change_is_caught() {
        let text = sample().to_text();
        let start = text.find(BEGIN).unwrap_or_default();
        let bytes = text.as_bytes();
        for i in start..bytes.len() {
            let mut damaged = bytes.to_vec();
            damaged[i] ^= 0x01;
            if let Ok(share) = Share::parse(&damaged) {
                // Only a change the canonical form ignores may pass: e.g. the case of a
                // hex digit, or a trailing newline. The result is then the same share.
                assert_eq!(share, sample(), "byte {i} changed the share silently");
            }
        }
    }

    #[test]
    fn named_problems() {
        let text = sample().to_text();
        let err = |t: &str| Share::parse(t.as_bytes()).unwrap_err();
        assert!(err("hello").contains("no -----BEGIN CFSSL-RS KEY SHARE----- line"));
        assert!(err(&text.replace("-----END", "-----FIN")).contains("no -----END"));
        assert!(err(&text.replace("Version: 1", "Version: 2")).contains("version \"2\""));
        assert!(err(&text.replace("Threshold: 3\n", "")).contains("Threshold is missing"));
        assert!(err(&text.replace("Threshold: 3", "Threshold: 9")).contains("impossible"));
        assert!(err(&text.replace("Share: 2 of 5", "Share: 3 of 5")).contains("checksum"));
        assert!(err(&text.replace("Version: 1\n", "Version: 1\nVersion: 1\n")).contains("twice"));
        assert!(
            err(&text.replace("Version: 1\n", "Color: red\nVersion: 1\n"))
                .contains("unknown header")
        );
        assert!(Share::parse(&[0xff, 0xfe]).unwrap_err().contains("UTF-8"));
    }
}
