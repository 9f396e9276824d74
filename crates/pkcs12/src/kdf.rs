//! The PKCS#12 key derivation function (RFC 7292 Appendix B): the MAC key of every PKCS#12
//! file, and the key and IV of the legacy pbeWithSHAAnd3-KeyTripleDES-CBC scheme.
//!
//! PBES2 (RFC 8018) derives its keys with PBKDF2 instead; this older function is still the
//! one every reader uses for the MAC (RFC 7292 §5.1; RFC 9579's PBMAC1 is too new for
//! Windows and Java).

use sha2::digest::Digest;
use sha2::digest::block_api::BlockSizeUser;
use zeroize::Zeroizing;

/// The diversifier ID of Appendix B.3: what the derived bytes are for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// "1, then the pseudorandom bits being produced are to be used as key material"
    Key = 1,
    /// "2, then the pseudorandom bits being produced are to be used as an IV"
    Iv = 2,
    /// "3, then the pseudorandom bits being produced are to be used as an integrity key"
    Mac = 3,
}

/// The password as Appendix B.1 feeds it to the function: "a BMPString … with 2 zero bytes
/// at the end", i.e. UTF-16 big-endian plus a terminating NUL. Characters outside the
/// Basic Multilingual Plane become surrogate pairs, as OpenSSL's `OPENSSL_utf82uni` makes
/// them; the empty password is the two zero bytes alone, as OpenSSL and Java derive it.
pub(crate) fn bmp_password(password: &str) -> Zeroizing<Vec<u8>> {
    let mut bytes = Zeroizing::new(Vec::with_capacity(password.len() * 2 + 2));
    for unit in password.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    bytes.extend_from_slice(&[0, 0]);
    bytes
}

/// Appendix B.2: `len` bytes for `purpose` from the password (already in the form
/// [`bmp_password`] gives), the salt and the iteration count, with the hash `D`
/// (SHA-1 or SHA-256; their block size v is 64 bytes, their output u 20 or 32). An
/// iteration count of 0 is treated as 1; callers refuse it before.
pub(crate) fn derive<D: Digest + BlockSizeUser>(
    password: &[u8],
    salt: &[u8],
    purpose: Purpose,
    iterations: u32,
    len: usize,
) -> Zeroizing<Vec<u8>> {
    let v = <D as BlockSizeUser>::block_size();
    // 1. "Construct a string, D (the "diversifier"), by concatenating v/8 copies of ID."
    let diversifier = vec![purpose as u8; v];
    // 2.-4. I = S || P: salt and password each repeated to a multiple of v bytes.
    let mut i = Zeroizing::new(Vec::with_capacity(
        fill_length(salt.len(), v) + fill_length(password.len(), v),
    ));
    i.extend(salt.iter().cycle().take(fill_length(salt.len(), v)));
    i.extend(password.iter().cycle().take(fill_length(password.len(), v)));

    let mut out = Zeroizing::new(Vec::with_capacity(len));
    // 5.-7. A_1, A_2, … until there are enough bytes; 8. the first `len` of them.
    while out.len() < len {
        // 6.A. A_i = H^r(D || I)
        let mut a = D::new()
            .chain_update(&diversifier)
            .chain_update(&*i)
            .finalize();
        for _ in 1..iterations {
            a = D::digest(&a);
        }
        let wanted = len - out.len();
        out.extend(a.iter().take(wanted));
        if out.len() >= len {
            break;
        }
        // 6.B. B = copies of A_i to v bytes; 6.C. I_j = (I_j + B + 1) mod 2^v for each
        // v-byte block I_j of I (big-endian addition).
        let b = Zeroizing::new(a.iter().cycle().take(v).copied().collect::<Vec<u8>>());
        for block in i.chunks_mut(v) {
            let mut carry = 1u16;
            for (x, y) in block.iter_mut().rev().zip(b.iter().rev()) {
                let sum = u16::from(*x) + u16::from(*y) + carry;
                *x = sum.to_be_bytes()[1];
                carry = sum >> 8;
            }
        }
    }
    out
}

/// `v * ceiling(n / v)`: the length of a string of n bytes repeated to whole blocks.
fn fill_length(n: usize, v: usize) -> usize {
    n.div_ceil(v) * v
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha1::Sha1;
    use sha2::Sha256;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn passwords_are_bmp_strings_with_a_terminating_nul() {
        assert_eq!(&bmp_password("smeg")[..], b"\x00s\x00m\x00e\x00g\x00\x00");
        assert_eq!(&bmp_password("")[..], b"\x00\x00");
        assert_eq!(&bmp_password("ä")[..], b"\x00\xe4\x00\x00");
        // U+1F600 is a surrogate pair, as OpenSSL encodes it.
        assert_eq!(&bmp_password("\u{1F600}")[..], b"\xd8\x3d\xde\x00\x00\x00");
    }

    /// The classic vectors of OpenSSL's and Bouncy Castle's PKCS#12 tests (password "smeg"
    /// and "queeg"), checked here with OpenSSL 3's own implementation:
    /// `openssl kdf -keylen 24 -kdfopt digest:SHA1 -kdfopt hexpass:0073006d006500670000
    /// -kdfopt hexsalt:0A58CF64530D823F -kdfopt iter:1 -kdfopt id:1 PKCS12KDF`.
    #[test]
    fn sha1_vectors() {
        let smeg = bmp_password("smeg");
        let salt = [0x0a, 0x58, 0xcf, 0x64, 0x53, 0x0d, 0x82, 0x3f];
        assert_eq!(
            hex(&derive::<Sha1>(&smeg, &salt, Purpose::Key, 1, 24)),
            "8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3"
        );
        assert_eq!(
            hex(&derive::<Sha1>(&smeg, &salt, Purpose::Iv, 1, 8)),
            "79993dfe048d3b76"
        );
        let queeg = bmp_password("queeg");
        let salt = [0x16, 0x82, 0xc0, 0xfc, 0x5b, 0x3f, 0x7e, 0xc5];
        assert_eq!(
            hex(&derive::<Sha1>(&queeg, &salt, Purpose::Key, 1000, 24)),
            "483dd6e919d7de2e8e648ba8f862f3fbfbdc2bcb2c02957f"
        );
        assert_eq!(
            hex(&derive::<Sha1>(&queeg, &salt, Purpose::Iv, 1000, 8)),
            "9d461d1b00355c50"
        );
        let salt = [0x3d, 0x83, 0xc0, 0xe4, 0x54, 0x6a, 0xc1, 0x40];
        assert_eq!(
            hex(&derive::<Sha1>(&smeg, &salt, Purpose::Mac, 1, 20)),
            "8d967d88f6caa9d714800ab3d48051d63f73a312"
        );
    }

    /// SHA-256, a non-ASCII password, lengths below, at and above one hash output (and so
    /// the step 6.C update): `openssl kdf -keylen N -kdfopt digest:SHA256 -kdfopt
    /// hexpass:<BMP of ge@äheim> -kdfopt hexsalt:0102030405060708 -kdfopt iter:100 -kdfopt
    /// id:ID PKCS12KDF`.
    #[test]
    fn sha256_vectors() {
        let password = bmp_password("ge@äheim");
        let salt = [1, 2, 3, 4, 5, 6, 7, 8];
        let key = derive::<Sha256>(&password, &salt, Purpose::Key, 100, 32);
        assert_eq!(
            hex(&key),
            "fae4d4957a3cc781e1180b9d4fb79c1e0c8579b746a3177e5b0768a3118bf863"
        );
        assert_eq!(
            hex(&derive::<Sha256>(&password, &salt, Purpose::Iv, 100, 12)),
            "e5ff813bc6547de5155b14d2"
        );
        assert_eq!(
            hex(&derive::<Sha256>(&password, &salt, Purpose::Mac, 100, 20)),
            "136355ed9434516682534f46d63956db5ff06b84"
        );
        let long = derive::<Sha256>(&password, &salt, Purpose::Key, 100, 100);
        assert_eq!(long.get(..32), Some(&key[..]));
        assert_eq!(hex(&long), LONG_SHA256);
    }

    const LONG_SHA256: &str = concat!(
        "fae4d4957a3cc781e1180b9d4fb79c1e0c8579b746a3177e5b0768a3118bf863",
        "556535829f36cdef612a5e881490fe95f51c779470f21f6cc171d251121749c1",
        "8b8a2b290642f47fcf9c8a8e0eb492a475b777f94e326b1c3d5f4291096f8b96",
        "dd774d10"
    );
}
