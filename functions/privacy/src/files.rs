//! The bucket's part of a person: uploaded CSV files and import reports, line by line. In a
//! report, a line naming the person keeps its place with the address and their names replaced.
//! An uploaded file naming them is deleted, not rewritten: a new object under `imports/` is a
//! new import (its S3 notification), and the file's invitations exist already. An export that
//! names them is deleted too.
//!
//! Files are read whole: the import's limits keep them to tens of megabytes, and the function
//! has the memory for that. A file that is not UTF-8 (Windows-1252) is handled as bytes: the
//! address (ASCII) is found and replaced case-insensitively; names are not.

use crate::EXPORT_PREFIX;
use futures::TryStreamExt;
use invitations_core::domain::privacy::{Person, FORGOTTEN};
use invitations_core::ports::{BlobError, Blobs};

/// A file's lines about the person, for an export.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileLines {
    pub key: String,
    /// 1-based line numbers and the lines.
    pub lines: Vec<(usize, String)>,
}

async fn read_whole(blobs: &dyn Blobs, key: &str) -> Result<Vec<u8>, BlobError> {
    let chunks: Vec<_> = blobs.read(key, None).await?.try_collect().await?;
    Ok(chunks.concat())
}

/// The file with the person erased from each line that names them; `None`: not named.
pub fn erase_lines(body: &[u8], person: &Person) -> Option<Vec<u8>> {
    match std::str::from_utf8(body) {
        Ok(text) => {
            let mut changed = false;
            let out: String = text
                .split_inclusive('\n')
                .map(|line| match person.erase_from(line) {
                    Some(erased) => {
                        changed = true;
                        erased
                    }
                    None => line.to_owned(),
                })
                .collect();
            changed.then(|| out.into_bytes())
        }
        Err(_) => erase_bytes(body, person.email.identity().as_bytes()),
    }
}

/// `body` with every ASCII-case-insensitive `needle` replaced; `None` when there is none.
fn erase_bytes(body: &[u8], needle: &[u8]) -> Option<Vec<u8>> {
    if needle.is_empty() || body.len() < needle.len() {
        return None;
    }
    let mut out = Vec::with_capacity(body.len());
    let mut at = 0;
    let mut changed = false;
    while at < body.len() {
        if body.len() - at >= needle.len()
            && body[at..at + needle.len()].eq_ignore_ascii_case(needle)
        {
            out.extend_from_slice(FORGOTTEN.as_bytes());
            at += needle.len();
            changed = true;
        } else {
            out.push(body[at]);
            at += 1;
        }
    }
    changed.then_some(out)
}

fn content_type(key: &str) -> &'static str {
    if key.ends_with(".json") {
        "application/json"
    } else {
        "text/csv; charset=utf-8"
    }
}

/// Where uploads land (and are imported from).
pub const UPLOAD_PREFIX: &str = "imports/";

/// Erases the person from every file of the bucket; how many files changed or went. Uploads
/// and exports naming them are deleted (except `keep_request`'s own export), reports
/// rewritten.
pub async fn erase(
    blobs: &dyn Blobs,
    person: &Person,
    keep_request: &str,
) -> Result<u64, BlobError> {
    let mut changed = 0;
    for (key, _) in blobs.list("").await? {
        if key.contains(keep_request) {
            continue;
        }
        let body = match read_whole(blobs, &key).await {
            Ok(body) => body,
            // Gone meanwhile (its lifecycle, another run).
            Err(BlobError::NotFound) => continue,
            Err(e) => return Err(e),
        };
        let Some(erased) = erase_lines(&body, person) else {
            continue;
        };
        if key.starts_with(EXPORT_PREFIX) || key.starts_with(UPLOAD_PREFIX) {
            blobs.delete(&key).await?;
        } else {
            blobs.put(&key, erased, content_type(&key)).await?;
        }
        changed += 1;
    }
    Ok(changed)
}

/// The lines of every file naming the person, for an export (other exports left out).
pub async fn lines_about(blobs: &dyn Blobs, person: &Person) -> Result<Vec<FileLines>, BlobError> {
    let mut found = Vec::new();
    for (key, _) in blobs.list("").await? {
        if key.starts_with(EXPORT_PREFIX) {
            continue;
        }
        let body = match read_whole(blobs, &key).await {
            Ok(body) => body,
            Err(BlobError::NotFound) => continue,
            Err(e) => return Err(e),
        };
        let text = String::from_utf8_lossy(&body);
        let lines: Vec<(usize, String)> = text
            .lines()
            .enumerate()
            .filter(|(_, line)| person.named_in(line))
            .map(|(at, line)| (at + 1, line.to_owned()))
            .collect();
        if !lines.is_empty() {
            found.push(FileLines { key, lines });
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use invitations_core::domain::EmailAddress;

    fn ann() -> Person {
        let mut person = Person::new(EmailAddress::parse("ann@corp.example").unwrap());
        person.learn_name("Ann Smith");
        person
    }

    #[test]
    fn a_line_naming_the_person_keeps_its_place() {
        let file = b"email,name\r\nben@corp.example,Ben\r\nANN@corp.example,Ann Smith\r\nlast@corp.example,Ann Smith\r\n";
        let erased = String::from_utf8(erase_lines(file, &ann()).unwrap()).unwrap();
        assert_eq!(
            erased,
            "email,name\r\nben@corp.example,Ben\r\n[forgotten],[forgotten]\r\nlast@corp.example,Ann Smith\r\n"
        );
        assert_eq!(erase_lines(b"ben@corp.example\n", &ann()), None);
    }

    #[test]
    fn a_file_in_another_encoding_loses_the_address() {
        let file = b"Ren\xe9e,ANN@Corp.Example\n";
        assert_eq!(
            erase_lines(file, &ann()).unwrap(),
            b"Ren\xe9e,[forgotten]\n".to_vec()
        );
    }
}
