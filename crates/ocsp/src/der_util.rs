//! Raw DER access where Go keeps bytes raw (a certificate's TBS, a response's
//! `tbsResponseData`), so that signatures are checked over the bytes as received.

use der::{Decode, Reader, SliceReader, Tagged};

/// The TLVs directly inside the SEQUENCE `der` (which must be exactly one SEQUENCE).
pub(crate) fn sequence_elements(der: &[u8]) -> Result<Vec<&[u8]>, der::Error> {
    let outer = der::asn1::AnyRef::from_der(der)?;
    if outer.tag() != der::Tag::Sequence {
        return Err(der::Tag::Sequence.value_error().into());
    }
    let mut reader = SliceReader::new(outer.value())?;
    let mut out = Vec::new();
    while !reader.is_finished() {
        out.push(reader.tlv_bytes()?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_of_a_sequence() {
        let der = [0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0xaa];
        assert_eq!(
            sequence_elements(&der).unwrap(),
            vec![&[0x02, 0x01, 0x05][..], &[0x04, 0x01, 0xaa][..]]
        );
        assert!(sequence_elements(&[0x04, 0x00]).is_err());
        assert!(sequence_elements(&[0x30, 0x03, 0x02, 0x01]).is_err());
        assert!(sequence_elements(&[0x30, 0x00, 0x00]).is_err());
    }
}
