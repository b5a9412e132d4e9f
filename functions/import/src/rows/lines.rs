//! The line normaliser under the CSV reader: line ends made `\n`, records kept bounded, quotes
//! followed as the CSV reader follows them.

use super::*;

/// A reader that ends every line with `\n` (CRLF and lone CR become LF), ends the input with one,
/// and keeps every record bounded: a physical line is cut after [`MAX_LINE_BYTES`], and a quote
/// still open after [`MAX_QUOTED_LINES`] lines or [`MAX_QUOTED_BYTES`] is dropped as a stray
/// character (the bytes after it are read again). It never adds or removes a line feed, so the
/// CSV reader's line count stays the text editor's.
///
/// It follows quotes as the CSV reader does: a quote opens a quoted cell only at the start of a
/// cell, a doubled quote inside one is a quote, and any other quote is an ordinary character.
pub(super) struct LineEnds<R> {
    inner: R,
    /// Hands on the chunks that need no change but CRLF -> LF untouched (see
    /// [`Self::passing_crlf`]).
    pass_crlf: bool,
    /// Processed bytes, handed out from `out_pos`.
    out: Vec<u8>,
    out_pos: usize,
    /// The cell delimiter, or (for sniffing) none: any of [`DELIMITERS`].
    delimiter: Option<u8>,
    quoting: Quoting,
    /// The bytes from an open quote on, kept back until it closes.
    held: Vec<u8>,
    held_lines: usize,
    /// Bytes on the current line so far (outside quotes).
    line_len: usize,
    /// Dropping the rest of an overlong line.
    cutting: bool,
    /// The previous byte was a CR, so an LF right after it is the same line end.
    after_cr: bool,
    /// The last byte handed on, to end the input with a line feed.
    last: Option<u8>,
    finished: bool,
    /// A quote was read: from here on a record may span lines. (Read ahead of the CSV reader,
    /// so it is set before any such record is read.)
    pub(super) saw_quote: bool,
}

/// Where the next byte falls, as the CSV reader sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Quoting {
    CellStart,
    InCell,
    InQuotes,
    /// Right after a closing quote: another quote makes it a doubled quote.
    AfterQuotes,
}

impl<R: Read> LineEnds<R> {
    /// With no delimiter, any of [`DELIMITERS`] ends a cell.
    pub(super) fn new(inner: R, delimiter: Option<u8>) -> Self {
        LineEnds {
            inner,
            pass_crlf: false,
            out: Vec::with_capacity(CHUNK + 2),
            out_pos: 0,
            delimiter,
            quoting: Quoting::CellStart,
            held: Vec::new(),
            held_lines: 0,
            line_len: 0,
            cutting: false,
            after_cr: false,
            last: None,
            finished: false,
            saw_quote: false,
        }
    }

    /// Hands on unchanged, without a pass over each line, the chunks in which no quote opens, no
    /// line can be cut and every CR is followed by its LF (or ends the chunk). The CSV reader
    /// then reads the same records and counts the same lines, but for a CR at the end of a
    /// line's last cell, which is blank space to everything that reads cells (they are trimmed).
    pub(super) fn passing_crlf(mut self) -> Self {
        self.pass_crlf = true;
        self
    }

    /// How much of `buf` (just read from the input, `n` bytes) can be handed on as it is, if it
    /// can, and takes note of it. Two changes are made in place, as [`Self::process`] would
    /// make them: a CR that ends the chunk becomes an LF, and the LF after it (at the start of
    /// the next chunk) is dropped, so a CRLF split across two chunks does not stop them passing.
    fn pass(&mut self, buf: &mut [u8]) -> Option<usize> {
        if !self.pass_crlf || self.cutting || self.quoting == Quoting::InQuotes {
            return None;
        }
        let skip = usize::from(self.after_cr && buf.first() == Some(&b'\n'));
        let data = &buf[skip..];
        let (&last, body) = data.split_last()?;
        if self.line_len + data.len() > MAX_LINE_BYTES
            || memchr::memchr(b'"', data).is_some()
            || memchr::memchr_iter(b'\r', body).any(|i| data[i + 1] != b'\n')
        {
            return None;
        }
        self.after_cr = last == b'\r';
        let last = if self.after_cr { b'\n' } else { last };
        let len = data.len();
        buf[skip + len - 1] = last;
        if skip > 0 {
            buf.copy_within(skip.., 0);
        }
        let data = &buf[..len];
        // As [`Self::process`] would leave it: the last line's length and where its last byte
        // falls.
        self.line_len = match memchr::memrchr(b'\n', data) {
            Some(i) => len - i - 1,
            None => self.line_len + len,
        };
        self.quoting = if last == b'\n' || self.is_delimiter(last) {
            Quoting::CellStart
        } else {
            Quoting::InCell
        };
        self.last = Some(last);
        Some(len)
    }

    fn is_delimiter(&self, b: u8) -> bool {
        match self.delimiter {
            Some(d) => b == d,
            None => DELIMITERS.contains(&b),
        }
    }

    fn emit(&mut self, bytes: &[u8]) {
        if let Some(&b) = bytes.last() {
            self.out.extend_from_slice(bytes);
            self.last = Some(b);
        }
    }

    fn process(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            if std::mem::take(&mut self.after_cr) && data[0] == b'\n' {
                data = &data[1..];
                continue;
            }
            let (run, special) = match memchr::memchr3(b'\n', b'\r', b'"', data) {
                Some(i) => (&data[..i], Some(data[i])),
                None => (data, None),
            };
            data = &data[run.len() + usize::from(special.is_some())..];
            self.text(run);
            match special {
                Some(b'"') => self.quote(),
                Some(b'\r') => {
                    self.after_cr = true;
                    self.newline();
                }
                Some(_) => self.newline(),
                None => {}
            }
        }
    }

    fn text(&mut self, run: &[u8]) {
        let Some(&last) = run.last() else { return };
        if self.cutting {
            return;
        }
        if self.quoting == Quoting::InQuotes {
            self.held.extend_from_slice(run);
            if self.held.len() > MAX_QUOTED_BYTES {
                self.recover();
            }
            return;
        }
        self.quoting = if self.is_delimiter(last) {
            Quoting::CellStart
        } else {
            Quoting::InCell
        };
        let room = MAX_LINE_BYTES.saturating_sub(self.line_len);
        if run.len() > room {
            self.emit(&run[..room]);
            self.line_len = MAX_LINE_BYTES;
            self.cutting = true;
        } else {
            self.emit(run);
            self.line_len += run.len();
        }
    }

    fn quote(&mut self) {
        if self.cutting {
            return;
        }
        self.saw_quote = true;
        match self.quoting {
            Quoting::InQuotes => {
                self.held.push(b'"');
                self.quoting = Quoting::AfterQuotes;
                let held = std::mem::take(&mut self.held);
                self.line_len = match memchr::memrchr(b'\n', &held) {
                    Some(i) => held.len() - i - 1,
                    None => self.line_len + held.len(),
                };
                self.emit(&held);
                self.held = held;
                self.held.clear();
            }
            Quoting::CellStart | Quoting::AfterQuotes => {
                self.quoting = Quoting::InQuotes;
                self.held.push(b'"');
                self.held_lines = 0;
            }
            Quoting::InCell => self.text(b"\""),
        }
    }

    fn newline(&mut self) {
        self.cutting = false;
        if self.quoting == Quoting::InQuotes {
            self.held.push(b'\n');
            self.held_lines += 1;
            if self.held_lines > MAX_QUOTED_LINES {
                self.recover();
            }
        } else {
            self.quoting = Quoting::CellStart;
            self.emit(b"\n");
            self.line_len = 0;
        }
    }

    /// The open quote was a stray character: drop it and read what followed it again (there is
    /// no quote in it: the first one would have closed it).
    fn recover(&mut self) {
        self.quoting = Quoting::CellStart;
        let held = std::mem::take(&mut self.held);
        let after_cr = std::mem::take(&mut self.after_cr);
        self.process(&held[1..]);
        self.after_cr = after_cr;
    }

    fn finish(&mut self) {
        if self.quoting == Quoting::InQuotes {
            self.recover();
        }
        if self.last.is_some_and(|b| b != b'\n') {
            self.emit(b"\n");
        }
    }
}

impl<R: Read> Read for LineEnds<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        while self.out_pos == self.out.len() {
            self.out.clear();
            self.out_pos = 0;
            if self.finished {
                return Ok(0);
            }
            // Read straight into the caller's buffer: most chunks are handed on as they are.
            let room = buf.len().min(CHUNK);
            let n = loop {
                match self.inner.read(&mut buf[..room]) {
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                    other => break other?,
                }
            };
            if n == 0 {
                self.finished = true;
                self.finish();
            } else if let Some(len) = self.pass(&mut buf[..n]) {
                return Ok(len);
            } else {
                self.process(&buf[..n]);
            }
        }
        let n = buf.len().min(self.out.len() - self.out_pos);
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}
