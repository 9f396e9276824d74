//! Password-protected PKCS#8 (`EncryptedPrivateKeyInfo`, RFC 5958 §3) with PBES2 (RFC 8018).

use const_oid::ObjectIdentifier;
use der::asn1::OctetStringRef;
use der::{Decode, Encode};
use pkcs8::EncryptedPrivateKeyInfoRef;
use pkcs8::pkcs5::{
    self,
    pbes2::{self, Kdf},
};
use zeroize::Zeroizing;

use crate::{KeyError, rng};

/// scrypt cost written by `to_encrypted_pem`: log2(N) = 14, r = 8, p = 1, which is
/// `openssl pkcs8 -scrypt`'s default and stays under OpenSSL 3's 32 MiB scrypt limit.
const SCRYPT_LOG_N: u8 = 14;
const SCRYPT_R: u32 = 8;
const SCRYPT_P: u32 = 1;

/// Largest scrypt memory (128·r·N bytes) accepted when decrypting.
const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;
/// Largest scrypt parallelism accepted when decrypting.
const MAX_SCRYPT_P: u16 = 16;
/// Largest PBKDF2 iteration count accepted when decrypting (RFC 8018 §4.2 calls 10 000 000
/// appropriate "for especially critical keys").
const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;

/// Encrypts PKCS#8 DER with PBES2-scrypt-AES-256-CBC and returns the
/// `EncryptedPrivateKeyInfo` DER.
pub(crate) fn encrypt(pkcs8_der: &[u8], password: &[u8]) -> Result<Vec<u8>, KeyError> {
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    if !rng::fill(&mut salt) || !rng::fill(&mut iv) {
        return Err(KeyError::Encoding);
    }
    let cost = pkcs5::scrypt::Params::new(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P)
        .map_err(|_| KeyError::Encoding)?;
    let params = pbes2::Parameters::generate_scrypt_aes256cbc(cost, &salt, iv)
        .map_err(|_| KeyError::Encoding)?;
    let ciphertext = params
        .encrypt(password, pkcs8_der)
        .map_err(|_| KeyError::Encoding)?;
    let info = EncryptedPrivateKeyInfoRef {
        encryption_algorithm: params.into(),
        encrypted_data: OctetStringRef::new(&ciphertext).map_err(|_| KeyError::Encoding)?,
    };
    info.to_der().map_err(|_| KeyError::Encoding)
}

/// What to say about an encryption scheme this crate does not implement.
const ONLY_PBES2: &str = "only PBES2 with PBKDF2-HMAC-SHA2 or scrypt and AES is supported";
const PBES1: &str = "PBES1 (PKCS#5 v1.5 / PKCS#12 PBE) is not supported";

/// PBES1 (RFC 8018 §6.1, `pkcs-5 1, 3, 4, 6, 10, 11`) and the PKCS#12 password-based schemes
/// (RFC 7292 Appendix C, `pkcs-12PbeIds`): what `openssl pkcs8 -topk8 -v1 …` writes.
fn is_pbes1(oid: &ObjectIdentifier) -> bool {
    const PKCS5: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5");
    const PKCS12_PBE_IDS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1");
    match oid.parent() {
        Some(parent) if parent == PKCS5 => {
            matches!(oid.arcs().last(), Some(1 | 3 | 4 | 6 | 10 | 11))
        }
        Some(parent) => parent == PKCS12_PBE_IDS,
        None => false,
    }
}

/// Decrypts an `EncryptedPrivateKeyInfo` and returns the inner PKCS#8 DER.
///
/// The parameters are checked before any key derivation ([`check_parameters`], then
/// [`check_cost`]): the KDF crates assume values a real encrypter writes, and a hostile file
/// can hold anything (scrypt N = 0 made `pkcs5` panic).
pub(crate) fn decrypt(der: &[u8], password: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let info = match EncryptedPrivateKeyInfoRef::from_der(der) {
        Ok(info) => info,
        Err(_) => {
            return Err(match encrypted_info_scheme(der) {
                Some(oid) if is_pbes1(&oid) => KeyError::UnsupportedEncryption(PBES1),
                Some(_) => KeyError::UnsupportedEncryption(ONLY_PBES2),
                None => KeyError::Parse,
            });
        }
    };
    let Some(params) = info.encryption_algorithm.pbes2() else {
        return Err(KeyError::UnsupportedEncryption(PBES1));
    };
    check_parameters(params)?;
    check_cost(&params.kdf)?;
    match params.decrypt(password, info.encrypted_data.as_bytes()) {
        Ok(plain) => Ok(Zeroizing::new(plain)),
        Err(pkcs5::Error::DecryptFailed) => Err(KeyError::WrongPassword),
        Err(_) => Err(KeyError::UnsupportedEncryption(ONLY_PBES2)),
    }
}

/// Refuses parameters outside their ASN.1 ranges or the algorithms' definitions:
///
/// ```text
/// PBKDF2-params ::= SEQUENCE { salt …, iterationCount INTEGER (1..MAX),
///                              keyLength INTEGER (1..MAX) OPTIONAL, prf … }   -- RFC 8018 A.2
/// scrypt-params ::= SEQUENCE { salt OCTET STRING, costParameter INTEGER (1..MAX),
///                              blockSize INTEGER (1..MAX), parallelizationParameter
///                              INTEGER (1..MAX), keyLength INTEGER (1..MAX) OPTIONAL }
///                                                                             -- RFC 7914 §7.1
/// ```
///
/// and scrypt's N must be "larger than 1, a power of 2" (RFC 7914 §2). A `keyLength` other than
/// the cipher's key size cannot decrypt anything.
pub(crate) fn check_parameters(params: &pbes2::Parameters) -> Result<(), KeyError> {
    let invalid = |why| Err(KeyError::InvalidEncryptionParameters(why));
    let key_length = match &params.kdf {
        Kdf::Pbkdf2(p) => {
            if p.iteration_count == 0 {
                return invalid("PBKDF2 iteration count must be at least 1");
            }
            p.key_length
        }
        Kdf::Scrypt(p) => {
            if p.cost_parameter < 2 || !p.cost_parameter.is_power_of_two() {
                return invalid("scrypt N must be a power of two greater than 1");
            }
            if p.block_size == 0 {
                return invalid("scrypt r must be at least 1");
            }
            if p.parallelization == 0 {
                return invalid("scrypt p must be at least 1");
            }
            p.key_length
        }
        _ => return Err(KeyError::UnsupportedEncryption(ONLY_PBES2)),
    };
    match key_length {
        Some(0) => invalid("key length must be at least 1"),
        Some(len) if usize::from(len) != params.encryption.key_size() => {
            invalid("key length differs from the cipher's key size")
        }
        _ => Ok(()),
    }
}

/// Refuses KDF costs that would let a hostile file burn CPU time or memory.
fn check_cost(kdf: &Kdf) -> Result<(), KeyError> {
    match kdf {
        Kdf::Pbkdf2(p) if p.iteration_count > MAX_PBKDF2_ITERATIONS => Err(
            KeyError::UnsupportedEncryption("PBKDF2 iteration count above 10000000"),
        ),
        Kdf::Scrypt(p) => {
            let memory = 128u64
                .saturating_mul(u64::from(p.block_size))
                .saturating_mul(p.cost_parameter);
            if memory > MAX_SCRYPT_MEMORY || p.parallelization > MAX_SCRYPT_P {
                Err(KeyError::UnsupportedEncryption(
                    "scrypt cost above 256 MiB or parallelism above 16",
                ))
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

/// `SEQUENCE { AlgorithmIdentifier, OCTET STRING }`: the scheme's OID of an
/// EncryptedPrivateKeyInfo that the pkcs5 crate cannot decode (a scheme it does not know).
fn encrypted_info_scheme(der: &[u8]) -> Option<ObjectIdentifier> {
    der::asn1::AnyRef::from_der(der)
        .and_then(|any| {
            any.sequence(|reader| {
                let alg: spki::AlgorithmIdentifierRef<'_> = der::Reader::decode(reader)?;
                let _: &OctetStringRef = der::Reader::decode(reader)?;
                Ok(alg.oid)
            })
        })
        .ok()
}
