//! The SUBJECT file of `cfssl sign CSR SUBJECT` (docs/cfssl-compat.md §3.2): `{"CN", "names",
//! "SerialNumber"}` whose values replace the CSR's. Merge rule (cfssl's
//! `PopulateSubjectFromCSR`): CN, serialNumber and each of C/ST/L/O/OU that the file leaves
//! empty are taken from the CSR; every other CSR attribute (e-mail, street, postal code,
//! custom OIDs) is dropped.

use cfssl_csr::SubjectName;

use crate::SignError;

/// A parsed SUBJECT file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SubjectOverride {
    /// The subject built from the file (CN, C/ST/L/O/OU lists, serialNumber).
    pub name: SubjectName,
}

impl SubjectOverride {
    /// Decodes the JSON file (Go field names `CN`, `names`, `SerialNumber`,
    /// case-insensitive).
    pub fn from_json(input: &[u8]) -> Result<SubjectOverride, SignError> {
        let mut request = cfssl_csr::CertificateRequest::from_json(input)
            .map_err(|e| SignError::Input(e.to_string()))?;
        // Only C/ST/L/O/OU of names are used; E and OID are ignored (docs/cfssl-compat.md §3.2).
        for n in &mut request.names {
            n.e.clear();
            n.oid.clear();
        }
        // Over-long values are refused with their code (1300), like in a request.
        let name = request.subject()?;
        Ok(SubjectOverride { name })
    }

    /// Applies the override to the CSR's subject.
    pub fn populate(&self, csr: &SubjectName) -> SubjectName {
        let mut name = self.name.clone();
        if name.common_name.is_empty() {
            name.common_name = csr.common_name.clone();
        }
        for (mine, theirs) in [
            (&mut name.country, &csr.country),
            (&mut name.province, &csr.province),
            (&mut name.locality, &csr.locality),
            (&mut name.organization, &csr.organization),
            (&mut name.organizational_unit, &csr.organizational_unit),
        ] {
            if mine.is_empty() {
                mine.clone_from(theirs);
            }
        }
        if name.serial_number.is_empty() {
            name.serial_number = csr.serial_number.clone();
        }
        name
    }
}
