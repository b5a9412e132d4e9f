//! A file read in pieces (issue 33): the whole file is read once as [`read_rows`] reads it, and
//! where a row starts a new chunk, the byte offset of its first line in the file is noted; each
//! chunk is then read on its own from its byte range (an S3 ranged GET) and gives the same rows,
//! with the same line numbers, as the whole file gave in that range.
//!
//! Why a range can be read on its own: a chunk starts where a record starts, so no quote is
//! open, no line is being cut and the line normaliser and the CSV reader are in their first
//! state; line numbers only count line ends (CR, LF, CRLF), which the normaliser never adds nor
//! removes. The offsets are counted on the file's own bytes, so only encodings whose line ends
//! are the single bytes CR and LF can be split: UTF-8 and Windows-1252. A UTF-16 file is one
//! chunk (read by one invocation, as before the fan-out).

use super::*;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

/// How a file is written, as a chunk's reader needs it: what [`read_rows`] found by sniffing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFormat {
    /// The encoding's name (`UTF-8` or `windows-1252`).
    pub encoding: String,
    pub delimiter: u8,
    /// The first row is the header (only the first chunk meets it).
    pub header: bool,
    /// The address column, 0-based.
    pub column: usize,
    /// The other columns read, and as what.
    pub extra: Vec<(usize, ColumnKind)>,
}

impl FileFormat {
    /// Whether byte offsets counted on the file are the decoded text's line starts.
    pub fn splittable(&self) -> bool {
        self.encoding == UTF_8.name() || self.encoding == WINDOWS_1252.name()
    }
}

impl<R: Read> RowReader<R> {
    /// What a chunk's reader needs to read the rest of this file as this reader does.
    pub fn format(&self) -> FileFormat {
        FileFormat {
            encoding: self.shape.encoding.to_owned(),
            delimiter: self.shape.delimiter as u8,
            header: self.shape.header,
            column: self.shape.column,
            extra: self.extra.clone(),
        }
    }
}

/// The byte offsets of the file's line starts, as the bytes go by on their way to the reader:
/// kept from the earliest line still wanted (the reader reads ahead only a few hundred KiB, so
/// few are kept).
#[derive(Debug, Default)]
pub struct LineStarts {
    /// The offset of the next byte.
    offset: u64,
    /// The line the next byte is on, 1-based.
    line: u64,
    after_cr: bool,
    /// (line, offset of its first byte), for lines from the earliest wanted on.
    starts: VecDeque<(u64, u64)>,
}

impl LineStarts {
    fn new() -> Self {
        LineStarts {
            line: 1,
            starts: VecDeque::from([(1, 0)]),
            ..Default::default()
        }
    }

    fn see(&mut self, bytes: &[u8]) {
        let mut last_end: Option<usize> = None;
        for i in memchr::memchr2_iter(b'\r', b'\n', bytes) {
            let next = self.offset + i as u64 + 1;
            // The LF right after a CR (in this read, or ending the one before): one line end,
            // and the line starts after the LF.
            let crlf = bytes[i] == b'\n'
                && match last_end {
                    Some(j) => j + 1 == i && bytes[j] == b'\r',
                    None => i == 0 && self.after_cr,
                };
            if crlf {
                if let Some(last) = self.starts.back_mut() {
                    last.1 = next;
                }
            } else {
                self.line += 1;
                self.starts.push_back((self.line, next));
            }
            last_end = Some(i);
        }
        if let Some(&last) = bytes.last() {
            self.after_cr = last == b'\r';
        }
        self.offset += bytes.len() as u64;
    }

    /// The offset of `line`'s first byte, and forgets the lines before it.
    pub fn take(&mut self, line: u64) -> Option<u64> {
        while self.starts.front().is_some_and(|&(l, _)| l < line) {
            self.starts.pop_front();
        }
        self.starts
            .front()
            .filter(|&&(l, _)| l == line)
            .map(|&(_, offset)| offset)
    }
}

/// A reader that tells [`LineStarts`] about the bytes it hands on.
pub struct Counting<R> {
    inner: R,
    starts: Rc<RefCell<LineStarts>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.starts.borrow_mut().see(&buf[..n]);
        Ok(n)
    }
}

/// The line starts a [`Counting`] reader notes, shared with whoever asks for them.
pub type SharedLineStarts = Rc<RefCell<LineStarts>>;

/// [`read_rows`], with the byte offset of every line start where the rows have got to.
pub fn read_rows_counting<R: Read>(
    input: R,
) -> Result<(RowReader<Counting<R>>, SharedLineStarts), FileError> {
    let starts = Rc::new(RefCell::new(LineStarts::new()));
    let counting = Counting {
        inner: input,
        starts: starts.clone(),
    };
    Ok((read_rows(counting)?, starts))
}

/// The rows of one chunk: `input` is the file from the chunk's first byte to its end (or the
/// file's), `first_line` the line it starts on, `header` whether it starts with the header
/// (the first chunk of a file with one).
pub fn read_range<R: Read>(input: R, format: &FileFormat, first_line: u64) -> RowReader<R> {
    let encoding = Encoding::for_label(format.encoding.as_bytes()).unwrap_or(UTF_8);
    let decoder = DecodeReaderBytesBuilder::new()
        .encoding((encoding != UTF_8).then_some(encoding))
        .bom_sniffing(first_line == 1)
        .strip_bom(true)
        .utf8_passthru(true)
        .build(Cursor::new(Vec::new()).chain(input));
    let lines = LineEnds::new(
        Cursor::new(Vec::new()).chain(decoder),
        Some(format.delimiter),
    )
    .passing_crlf();
    let csv = reader_builder(format.delimiter)
        .buffer_capacity(CHUNK)
        .from_reader(lines);
    RowReader {
        csv,
        record: ByteRecord::new(),
        shape: Shape {
            encoding: encoding.name(),
            delimiter: format.delimiter as char,
            header: format.header,
            column: format.column,
        },
        // The columns are the import's (saved when the file was planned), not the chunk's.
        columns: Columns::default(),
        extra: format.extra.clone(),
        header_pending: format.header && first_line == 1,
        line_base: first_line - 1,
        last_line: first_line - 1,
        done: false,
    }
}

#[cfg(test)]
mod tests;
