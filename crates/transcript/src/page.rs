//! The witnesses' page: what a person reads aloud, compares and signs.
//!
//! Hashes are printed in upper case in groups of four hex digits, eight groups a row (two
//! rows for a SHA-256), so two people can compare them group by group and so they line up
//! with `openssl x509 -fingerprint -sha256` once its colons are ignored. Every line fits
//! 80 columns. The page ends with the head hash to copy by hand — the anchor without which
//! the chain proves nothing (see the crate docs) — and lines for signatures.

use std::fmt::Write as _;
use std::path::Path;

use crate::artefact::Artefact;
use crate::chain;
use crate::{Entry, TranscriptError};

const WIDTH: usize = 80;

pub(crate) fn witness_page(path: &Path) -> Result<String, TranscriptError> {
    let bytes = std::fs::read(path).map_err(|source| TranscriptError::Io {
        op: "read",
        path: path.display().to_string(),
        source,
    })?;
    let chain = chain::check(&bytes);
    if !chain.problems.is_empty() {
        return Err(TranscriptError::Broken {
            path: path.display().to_string(),
            problems: chain.problems,
        });
    }
    let Some(head) = chain.head else {
        return Err(TranscriptError::Empty {
            path: path.display().to_string(),
        });
    };
    let mut page = String::new();
    push_wrapped(
        &mut page,
        "",
        &format!("CEREMONY TRANSCRIPT {}", path.display()),
    );
    let _ = writeln!(
        page,
        "{} step{}; the hash chain verifies from line 1 to line {}.",
        chain.lines,
        if chain.lines == 1 { "" } else { "s" },
        chain.lines
    );
    for (_, entry) in &chain.entries {
        page.push('\n');
        render_entry(&mut page, entry);
    }
    page.push('\n');
    page.push_str(&"=".repeat(WIDTH));
    page.push('\n');
    let _ = writeln!(page, "HEAD OF THE CHAIN (SHA-256 of line {}):", chain.lines);
    for row in grouped(&head) {
        let _ = writeln!(page, "    {row}");
    }
    page.push('\n');
    push_wrapped(
        &mut page,
        "",
        "Copy the head hash above by hand and keep the copy apart from the transcript file. \
         The chain only shows that the lines belong together: whoever can write the file can \
         rewrite all of it and recompute every hash. Your copy of the head hash is what makes \
         a later change visible: `cfssl-rs ceremony verify` prints the head hash of the file \
         it checks, and it must equal yours.",
    );
    page.push('\n');
    push_wrapped(
        &mut page,
        "",
        "By signing, each witness states that the steps above were performed in their \
         presence and that the fingerprints were compared with the artefacts.",
    );
    for _ in 0..3 {
        page.push('\n');
        page.push_str(
            "Name: ______________________________  Role: _____________________________\n\n",
        );
        page.push_str(
            "Signature: _________________________  Date: _____________________________\n",
        );
    }
    Ok(page)
}

fn render_entry(page: &mut String, entry: &Entry) {
    let _ = writeln!(page, "STEP {}   {}", entry.seq, entry.time);
    push_wrapped(page, "  command: ", &entry.step.command.join(" "));
    if let Some(note) = &entry.step.note {
        push_wrapped(page, "  note: ", note);
    }
    if let Some(ceremony) = &entry.step.ceremony_sha256 {
        push_hash(page, "  ceremony file SHA-256", ceremony);
    }
    for artefact in &entry.step.inputs {
        render_artefact(page, "input", artefact);
    }
    for artefact in &entry.step.outputs {
        render_artefact(page, "output", artefact);
    }
    for tbs in &entry.step.tbs_sha256 {
        push_hash(page, "  signed (to-be-signed SHA-256)", tbs);
    }
}

fn render_artefact(page: &mut String, role: &str, artefact: &Artefact) {
    push_wrapped(
        page,
        &format!("  {role} "),
        &format!("{} ({})", artefact.path, artefact.kind),
    );
    push_hash(page, "    file SHA-256", &artefact.sha256);
    if let Some(fingerprint) = &artefact.fingerprint {
        let label = match artefact.kind.as_str() {
            "key" | "csr" | "public-key" => "    public key SHA-256",
            _ => "    fingerprint SHA-256",
        };
        push_hash(page, label, fingerprint);
    }
}

/// `label` and the hash in two rows of grouped digits, aligned after the label's column.
fn push_hash(page: &mut String, label: &str, hash: &str) {
    let _ = writeln!(page, "{label}:");
    for row in grouped(hash) {
        let _ = writeln!(page, "        {row}");
    }
}

/// Upper-case hex in groups of four, eight groups a row.
fn grouped(hash: &str) -> Vec<String> {
    let upper: Vec<char> = hash.to_ascii_uppercase().chars().collect();
    upper
        .chunks(32)
        .map(|row| {
            row.chunks(4)
                .map(|group| group.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// `first` then `text`, wrapped at spaces to 80 columns (continuation lines indented by
/// the prefix's width); a word longer than a line is cut.
fn push_wrapped(page: &mut String, first: &str, text: &str) {
    let indent = " ".repeat(first.chars().count().min(WIDTH / 2));
    let mut line = first.to_owned();
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let used = line.chars().count();
            let room = WIDTH.saturating_sub(used + usize::from(!empty));
            if word.len() <= room {
                if !empty {
                    line.push(' ');
                }
                line.extend(word.iter());
                empty = false;
                break;
            }
            if !empty {
                page.push_str(&line);
                page.push('\n');
                line.clone_from(&indent);
                empty = true;
                continue;
            }
            // A word longer than a whole line: cut it.
            let cut = room.max(1).min(word.len());
            let rest = word.split_off(cut);
            line.extend(word.iter());
            page.push_str(&line);
            page.push('\n');
            line.clone_from(&indent);
            word = rest;
            if word.is_empty() {
                break;
            }
        }
    }
    if !empty || !line.trim().is_empty() {
        page.push_str(line.trim_end());
        page.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Step, append};

    #[test]
    fn the_page_fits_80_columns_and_groups_hashes() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let log = dir.path().join("t.log");
        let ca = include_bytes!("../../../testdata/cfssl-1.6.5/ca.pem");
        let long = "x".repeat(200);
        let step = Step {
            command: vec!["cfssl-rs".into(), "gencert".into(), "-initca".into(), long],
            outputs: vec![Artefact::of_bytes("-:cert", ca)],
            tbs_sha256: vec![crate::tbs_sha256_of_text(ca).unwrap_or_default()],
            note: Some("root".into()),
            ..Step::default()
        };
        let entry = append(&log, &step, time::OffsetDateTime::UNIX_EPOCH)?;
        let page = witness_page(&log)?;
        for line in page.lines() {
            assert!(line.chars().count() <= WIDTH, "{line:?}");
        }
        let fingerprint = Artefact::of_bytes("", ca).fingerprint.unwrap_or_default();
        let first_group = fingerprint
            .get(..4)
            .unwrap_or_default()
            .to_ascii_uppercase();
        assert!(page.contains(&first_group));
        let flat: String = page.chars().filter(char::is_ascii_hexdigit).collect();
        assert!(flat.contains(&fingerprint.to_ascii_uppercase()));
        assert!(flat.contains(&entry.hash.to_ascii_uppercase()));
        assert!(page.contains("HEAD OF THE CHAIN (SHA-256 of line 1):"));
        assert!(page.contains("STEP 1   1970-01-01T00:00:00Z"));

        std::fs::write(dir.path().join("empty.log"), b"")?;
        assert!(matches!(
            witness_page(&dir.path().join("empty.log")),
            Err(TranscriptError::Empty { .. })
        ));
        std::fs::write(&log, b"garbage\n")?;
        assert!(matches!(
            witness_page(&log),
            Err(TranscriptError::Broken { .. })
        ));
        Ok(())
    }

    #[test]
    fn grouping() {
        assert_eq!(
            grouped(&"ab".repeat(32)),
            ["ABAB ABAB ABAB ABAB ABAB ABAB ABAB ABAB"; 2]
        );
    }
}
