//! Property tests: `parse` and the typed accessors never panic, whatever the bytes.

use cfssl_json::{Object, Value, parse};
use proptest::prelude::*;

/// Bytes biased towards JSON punctuation so the parser gets deep into its states.
fn jsonish_bytes() -> impl Strategy<Value = Vec<u8>> {
    let alphabet: Vec<u8> =
        b"{}[]:,\"\\ \t\n0123456789-+.eEtrufalsn/bu\x00\x1f\x7f\xc3\xa9\xff\xed\xa0".to_vec();
    prop::collection::vec(
        prop_oneof![3 => prop::sample::select(alphabet), 1 => any::<u8>()],
        0..200,
    )
}

fn exercise(value: &Value) {
    let fields = ["CN", "names", "hosts", "key", "ca"];
    if let Ok(obj) = Object::new(value, "csr.CertificateRequest", &fields) {
        let _ = obj.string("CN");
        let _ = obj.bool("ca");
        let _ = obj.int("key");
        let _ = obj.string_array("hosts");
        let _ = obj.array("names", "[]csr.Name");
        let _ = obj.object_array("names", "[]csr.Name", "csr.Name", &["C", "ST"]);
        let _ = obj.object("key", "csr.KeyRequest", &["algo", "size"]);
        let _ = obj.map("key", "map[string]string");
        let _ = obj.raw("CN");
    }
    let _ = value.to_json();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn parse_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(v) = parse(&bytes) {
            exercise(&v);
        }
    }

    #[test]
    fn parse_never_panics_on_jsonish_bytes(bytes in jsonish_bytes()) {
        match parse(&bytes) {
            Ok(v) => exercise(&v),
            Err(e) => {
                let text = e.to_string();
                prop_assert!(
                    text == "unexpected end of JSON input" || text.starts_with("invalid character '"),
                    "unexpected message {text:?}"
                );
                prop_assert!(e.offset() <= bytes.len());
            }
        }
    }

    #[test]
    fn compact_output_reparses_to_the_same_value(bytes in jsonish_bytes()) {
        if let Ok(v) = parse(&bytes) {
            let again = parse(v.to_json().as_bytes());
            prop_assert_eq!(again, Ok(v));
        }
    }
}
