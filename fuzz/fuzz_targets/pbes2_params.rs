//! Encrypted private keys built from fuzzed PBES2 parameters (RFC 8018 §6.2, RFC 7914 §7),
//! through `PrivateKey::from_pem_with_password`.
//!
//! Random bytes almost never form a well-encoded `EncryptedPrivateKeyInfo` whose KDF
//! parameters are odd but decodable — the shape of the scrypt N = 0 crash (issue 11 #1). This
//! target writes the DER itself from a structured input: the KDF (scrypt, PBKDF2 with any PRF,
//! or an unknown OID), each integer as a small value, a power of two, any u64, a negative
//! number or raw INTEGER contents, salts and IVs of any length, each cipher OID. Half the
//! time the payload is a real Ed25519 key encrypted by `pkcs5` under those parameters (when
//! they are valid), so decryption itself is reached too.
//!
//! Costs the reader would accept are clamped before encoding (scrypt N ≤ 2^10, r ≤ 8,
//! p ≤ 2; PBKDF2 ≤ 1000 rounds), so an execution stays fast; costs it must refuse are kept,
//! to check that they are refused without running the KDF.
//!
//! Invariants:
//! * nothing panics (the crash this target was written for);
//! * a key encrypted under valid parameters reads back with its password to the same key,
//!   and never with another password.
#![no_main]

use cfssl_keys::{KeyError, PrivateKey};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use pkcs8::der::Decode;
use pkcs8::pkcs5::pbes2;

/// `openssl genpkey -algorithm ED25519`, PKCS#8 DER (fuzz/seeds/private_key/openssl-ed25519-pkcs8.pem).
const ED25519_PKCS8: [u8; 48] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    0xd3, 0x84, 0xb2, 0x97, 0x55, 0xe8, 0x5d, 0x51, 0x72, 0x25, 0x4f, 0x38, 0x67, 0x4c, 0x7a, 0xd8,
    0x8c, 0x80, 0xff, 0x3e, 0xfa, 0x36, 0xff, 0x11, 0x88, 0xe0, 0xfe, 0xe9, 0x62, 0x2f, 0xb9, 0xdb,
];

const PASSWORD: &[u8] = b"password";

/// Largest scrypt memory (128·r·N bytes) and parallelism the reader accepts (encrypted.rs).
const ACCEPTED_SCRYPT_MEMORY: u128 = 256 * 1024 * 1024;
const ACCEPTED_SCRYPT_P: u128 = 16;
const ACCEPTED_PBKDF2_ROUNDS: u128 = 10_000_000;

#[derive(Arbitrary, Debug)]
struct Input {
    kdf: KdfInput,
    cipher: Cipher,
    iv: Iv,
    payload: Payload,
}

/// The IV (or GCM nonce): of the cipher's length, most of the time, or any bytes.
#[derive(Arbitrary, Debug)]
enum Iv {
    Right([u8; 16]),
    Any(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum KdfInput {
    Scrypt {
        salt: Vec<u8>,
        n: Integer,
        r: Integer,
        p: Integer,
        key_length: Option<Integer>,
    },
    Pbkdf2 {
        salt: Vec<u8>,
        iterations: Integer,
        key_length: Option<Integer>,
        prf: Prf,
    },
    /// Any other KDF: an OID under pkcs-5 and raw parameters.
    Unknown { last_arc: u8, params: Vec<u8> },
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Prf {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Md5,
    Absent,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Cipher {
    Aes128Cbc,
    Aes192Cbc,
    Aes256Cbc,
    Aes128Gcm,
    Aes256Gcm,
    DesEde3Cbc,
    DesCbc,
    Unknown(u8),
}

#[derive(Arbitrary, Debug, Clone)]
enum Integer {
    Small(u8),
    PowerOfTwo(u8),
    Any(u64),
    Negative(u32),
    /// INTEGER contents as given (possibly empty or non-minimal), at most one or more than
    /// eight octets so that a raw value never names an accepted but slow cost.
    Raw(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum Payload {
    Random(Vec<u8>),
    /// Whole cipher blocks, so that the decrypter does not stop at a length check.
    Blocks(u8),
    RealKey,
}

impl Integer {
    /// The value when it is a plain non-negative number.
    fn value(&self) -> Option<u128> {
        match self {
            Integer::Small(v) => Some(u128::from(*v)),
            Integer::PowerOfTwo(e) => Some(1u128 << (e % 72)),
            Integer::Any(v) => Some(u128::from(*v)),
            Integer::Raw(bytes) => match bytes.as_slice() {
                [b] if *b < 0x80 => Some(u128::from(*b)),
                _ => None,
            },
            Integer::Negative(_) => None,
        }
    }

    fn clamp(&mut self, max: u128) {
        if let Some(v) = self.value()
            && v > max
        {
            *self = Integer::Any(max as u64);
        }
    }

    fn der(&self) -> Vec<u8> {
        match self {
            Integer::Negative(v) => {
                let v = -(i64::from(*v)) - 1;
                let bytes = v.to_be_bytes();
                let skip = bytes
                    .windows(2)
                    .take_while(|w| w[0] == 0xff && w[1] & 0x80 != 0)
                    .count();
                tlv(0x02, &bytes[skip..])
            }
            Integer::Raw(bytes) if bytes.len() <= 1 || bytes.len() > 8 => tlv(0x02, bytes),
            Integer::Raw(_) => tlv(0x02, &[0x7f]),
            other => {
                let v = other.value().unwrap_or(0);
                let bytes = v.to_be_bytes();
                let skip = bytes.iter().take_while(|b| **b == 0).count().min(15);
                let mut content = bytes[skip..].to_vec();
                if content[0] & 0x80 != 0 {
                    content.insert(0, 0);
                }
                tlv(0x02, &content)
            }
        }
    }
}

fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = body.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let len = n.to_be_bytes();
        let skip = len.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (len.len() - skip) as u8);
        out.extend_from_slice(&len[skip..]);
    }
    out.extend_from_slice(body);
    out
}

fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// DER of an OBJECT IDENTIFIER from its content octets.
fn oid(content: &[u8]) -> Vec<u8> {
    tlv(0x06, content)
}

// Content octets of the OIDs used (RFC 8018 Appendix C, RFC 7914 §7, NIST CSOR).
const PBES2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
const PBKDF2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c];
const PKCS5_ARC: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05];
const SCRYPT: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x04, 0x0b];
const DIGEST_ARC: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02];
const AES_ARC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01];
const DES_EDE3_CBC: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x03, 0x07];
const DES_CBC: &[u8] = &[0x2b, 0x0e, 0x03, 0x02, 0x07];

fn with_arc(parent: &[u8], arc: u8) -> Vec<u8> {
    let mut v = parent.to_vec();
    if arc < 0x80 {
        v.push(arc);
    } else {
        v.extend_from_slice(&[0x81, arc & 0x7f]);
    }
    v
}

impl Prf {
    fn der(self) -> Option<Vec<u8>> {
        let arc = match self {
            Prf::Sha1 => 7,
            Prf::Sha224 => 8,
            Prf::Sha256 => 9,
            Prf::Sha384 => 10,
            Prf::Sha512 => 11,
            Prf::Md5 => 5,
            Prf::Absent => return None,
        };
        Some(seq(&[&oid(&with_arc(DIGEST_ARC, arc)), &tlv(0x05, &[])]))
    }
}

impl Cipher {
    fn iv_len(self) -> usize {
        match self {
            Cipher::Aes128Gcm | Cipher::Aes256Gcm => 12,
            Cipher::DesEde3Cbc | Cipher::DesCbc => 8,
            _ => 16,
        }
    }

    fn oid(self) -> Vec<u8> {
        match self {
            Cipher::Aes128Cbc => with_arc(AES_ARC, 2),
            Cipher::Aes192Cbc => with_arc(AES_ARC, 22),
            Cipher::Aes256Cbc => with_arc(AES_ARC, 42),
            Cipher::Aes128Gcm => with_arc(AES_ARC, 6),
            Cipher::Aes256Gcm => with_arc(AES_ARC, 46),
            Cipher::DesEde3Cbc => DES_EDE3_CBC.to_vec(),
            Cipher::DesCbc => DES_CBC.to_vec(),
            Cipher::Unknown(arc) => with_arc(AES_ARC, arc),
        }
    }
}

/// Keeps every cost the reader would accept cheap to compute. Returns whether the costs
/// are now cheap (so that the target itself may encrypt under them).
fn clamp_accepted_costs(kdf: &mut KdfInput) -> bool {
    match kdf {
        KdfInput::Scrypt { n, r, p, .. } => {
            let accepted = matches!(
                (n.value(), r.value(), p.value()),
                (Some(nv), Some(rv), Some(pv))
                    if rv.saturating_mul(nv).saturating_mul(128) <= ACCEPTED_SCRYPT_MEMORY
                        && pv <= ACCEPTED_SCRYPT_P
            );
            if accepted {
                n.clamp(1 << 10);
                r.clamp(8);
                p.clamp(2);
            }
            accepted
        }
        KdfInput::Pbkdf2 { iterations, .. } => {
            let accepted = iterations
                .value()
                .is_some_and(|v| v <= ACCEPTED_PBKDF2_ROUNDS);
            if accepted {
                iterations.clamp(1000);
            }
            accepted
        }
        KdfInput::Unknown { .. } => false,
    }
}

fn kdf_der(kdf: &KdfInput) -> Vec<u8> {
    let octets = |salt: &[u8]| tlv(0x04, &salt[..salt.len().min(80)]);
    match kdf {
        KdfInput::Scrypt {
            salt,
            n,
            r,
            p,
            key_length,
        } => {
            let key_length = key_length.as_ref().map(Integer::der).unwrap_or_default();
            let params = seq(&[&octets(salt), &n.der(), &r.der(), &p.der(), &key_length]);
            seq(&[&oid(SCRYPT), &params])
        }
        KdfInput::Pbkdf2 {
            salt,
            iterations,
            key_length,
            prf,
        } => {
            let key_length = key_length.as_ref().map(Integer::der).unwrap_or_default();
            let prf = prf.der().unwrap_or_default();
            let params = seq(&[&octets(salt), &iterations.der(), &key_length, &prf]);
            seq(&[&oid(PBKDF2), &params])
        }
        KdfInput::Unknown { last_arc, params } => {
            seq(&[&oid(&with_arc(PKCS5_ARC, *last_arc)), params])
        }
    }
}

fn pem(label: &str, der: &[u8]) -> String {
    use std::fmt::Write as _;
    let b64 = base64_encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        let _ = writeln!(out, "{}", String::from_utf8_lossy(line));
    }
    let _ = writeln!(out, "-----END {label}-----");
    out
}

fn base64_encode(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The RFC ranges, stated independently of the reader: parameters `pkcs5` may encrypt with.
fn valid_for_encryption(params: &pbes2::Parameters) -> bool {
    let key_length = match &params.kdf {
        pbes2::Kdf::Pbkdf2(p) => {
            if p.iteration_count == 0 {
                return false;
            }
            p.key_length
        }
        pbes2::Kdf::Scrypt(p) => {
            if p.cost_parameter < 2
                || !p.cost_parameter.is_power_of_two()
                || p.block_size == 0
                || p.parallelization == 0
            {
                return false;
            }
            p.key_length
        }
        _ => return false,
    };
    key_length.is_none_or(|len| usize::from(len) == params.encryption.key_size())
}

fn pem_of_plain_key() -> String {
    pem("PRIVATE KEY", &ED25519_PKCS8)
}

fuzz_target!(|input: Input| {
    let Input {
        mut kdf,
        cipher,
        iv,
        payload,
    } = input;
    let cheap = clamp_accepted_costs(&mut kdf);
    let iv = match &iv {
        Iv::Right(bytes) => &bytes[..cipher.iv_len()],
        Iv::Any(bytes) => &bytes[..bytes.len().min(40)],
    };
    let scheme = seq(&[&oid(&cipher.oid()), &tlv(0x04, iv)]);
    let algorithm_params = seq(&[&kdf_der(&kdf), &scheme]);
    let algorithm = seq(&[&oid(PBES2), &algorithm_params]);

    let mut expect_key = false;
    let encrypted = match payload {
        Payload::Random(bytes) => bytes,
        Payload::Blocks(n) => vec![0x5a; 16 * usize::from(n % 8 + 1)],
        Payload::RealKey => match pbes2::Parameters::from_der(&algorithm_params) {
            Ok(params) if cheap && valid_for_encryption(&params) => {
                match params.encrypt(PASSWORD, &ED25519_PKCS8) {
                    Ok(ciphertext) => {
                        expect_key = true;
                        ciphertext
                    }
                    Err(_) => vec![0; 48],
                }
            }
            _ => vec![0; 48],
        },
    };
    let der = seq(&[&algorithm, &tlv(0x04, &encrypted)]);
    let pem = pem("ENCRYPTED PRIVATE KEY", &der);

    let read = PrivateKey::from_pem_with_password(pem.as_bytes(), PASSWORD);
    if expect_key {
        let original = PrivateKey::from_pem(pem_of_plain_key().as_bytes());
        match (&read, &original) {
            (Ok(key), Ok(original)) => assert_eq!(
                key.public_key(),
                original.public_key(),
                "decrypted to another key"
            ),
            // Schemes the reader deliberately refuses (SHA-1 PRF, DES) are fine.
            (Err(KeyError::UnsupportedEncryption(_)), _) => {}
            (Err(e), _) => panic!("a key encrypted under valid parameters did not read back: {e}"),
            (Ok(_), Err(e)) => panic!("the fixed Ed25519 key does not parse: {e}"),
        }
        let wrong = PrivateKey::from_pem_with_password(pem.as_bytes(), b"not the password");
        assert!(wrong.is_err(), "a wrong password decrypted the key");
    }
});
