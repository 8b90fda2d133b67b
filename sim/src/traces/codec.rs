//! Opening a trace file as the History Server opens an event log: by the
//! codec its name ends with (Spark 3.0 `EventLogFileReader.openEventLog`
//! picks the codec from the file's extension, `CompressionCodec`'s short
//! names), and a rolling event log folder (`eventlog_v2_*`, Spark 3.0
//! `RollingEventLogFilesFileReader`) as its `events_N_*` files in order
//! of N.
//!
//! Codecs read here: none; `.zstd` (Spark's `ZStdCompressionCodec`
//! writes standard zstd frames; read with the pure-Rust `ruzstd`); `.lz4`
//! (Spark's `LZ4CompressionCodec` writes lz4-java's `LZ4BlockOutputStream`
//! format: blocks of a 21-byte header, the magic `LZ4Block`, a token whose
//! high bits say raw (0x10) or LZ4-compressed (0x20), the compressed and
//! the original length and a checksum, little-endian; an empty block ends
//! a stream, and streams may follow each other; the blocks are decoded
//! with `lz4_flex`, the checksums are not verified); `.snappy` (Spark's
//! `SnappyCompressionCodec` writes snappy-java's `SnappyOutputStream`
//! format: a 16-byte header, `\x82SNAPPY\0` and two big-endian version
//! numbers, then chunks of a big-endian length and a raw snappy block,
//! decoded with `snap`; a header may appear again where streams were
//! concatenated); and `.gz` (how Google ships its cluster traces;
//! `flate2`).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

type ZstdDecoder =
    ruzstd::decoding::StreamingDecoder<Box<dyn Read>, ruzstd::decoding::FrameDecoder>;

/// A zstd stream of one or more frames, decoded as one.
struct Zstd {
    decoder: Option<ZstdDecoder>,
}

impl Read for Zstd {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let Some(d) = self.decoder.as_mut() else {
                return Ok(0);
            };
            let n = d.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // The frame ended: another may follow.
            let (mut source, frame) = self.decoder.take().expect("a decoder").into_parts();
            let mut peek = [0u8; 1];
            if source.read(&mut peek)? == 0 {
                return Ok(0);
            }
            let rest: Box<dyn Read> = Box::new(std::io::Cursor::new(peek).chain(source));
            let next = ruzstd::decoding::StreamingDecoder::new_with_decoder(rest, frame)
                .map_err(|e| std::io::Error::other(format!("zstd: {e}")))?;
            self.decoder = Some(next);
        }
    }
}

/// A stream of compressed blocks, each decoded by `next_block` (which
/// returns `None` at the end of the stream).
struct Blocks<R> {
    input: R,
    next_block: fn(&mut R) -> std::io::Result<Option<Vec<u8>>>,
    block: Vec<u8>,
    at: usize,
}

impl<R> Blocks<R> {
    fn new(input: R, next_block: fn(&mut R) -> std::io::Result<Option<Vec<u8>>>) -> Blocks<R> {
        Blocks {
            input,
            next_block,
            block: Vec::new(),
            at: 0,
        }
    }
}

impl<R> Read for Blocks<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.block.len() {
            match (self.next_block)(&mut self.input)? {
                Some(b) => {
                    self.block = b;
                    self.at = 0;
                }
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.block.len() - self.at);
        buf[..n].copy_from_slice(&self.block[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn bad(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string())
}

/// Fills `buf`; false at a clean end of the input (nothing read).
fn fill(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<bool> {
    let mut got = 0;
    while got < buf.len() {
        match input.read(&mut buf[got..])? {
            0 if got == 0 => return Ok(false),
            0 => return Err(bad("truncated block")),
            n => got += n,
        }
    }
    Ok(true)
}

/// The next block of an lz4-java block stream (empty for an end-of-stream
/// block), or `None` at the end of the input.
fn lz4_block<R: Read>(input: &mut R) -> std::io::Result<Option<Vec<u8>>> {
    let mut header = [0u8; 21];
    if !fill(input, &mut header)? {
        return Ok(None);
    }
    if &header[..8] != b"LZ4Block" {
        return Err(bad("lz4: not an LZ4Block stream (Spark's lz4 codec)"));
    }
    let le = |i: usize| {
        u32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]) as usize
    };
    let (packed, original) = (le(9), le(13));
    if packed > 1 << 30 || original > 1 << 30 {
        return Err(bad("lz4: a block larger than 1 GiB"));
    }
    let mut data = vec![0u8; packed];
    if !fill(input, &mut data)? && packed > 0 {
        return Err(bad("truncated block"));
    }
    match header[8] & 0xF0 {
        0x10 => Ok(Some(data)),
        0x20 => lz4_flex::block::decompress(&data, original)
            .map(Some)
            .map_err(|e| bad(&format!("lz4: {e}"))),
        _ => Err(bad("lz4: unknown block method")),
    }
}

/// The next chunk of a snappy-java stream (skipping a stream header where
/// one starts), or `None` at the end of the input.
fn snappy_chunk<R: Read>(input: &mut R) -> std::io::Result<Option<Vec<u8>>> {
    const MAGIC: [u8; 8] = [0x82, b'S', b'N', b'A', b'P', b'P', b'Y', 0];
    let mut len = [0u8; 4];
    loop {
        if !fill(input, &mut len)? {
            return Ok(None);
        }
        if len == MAGIC[..4] {
            // A stream header: the rest of the magic and two versions.
            let mut rest = [0u8; 12];
            if !fill(input, &mut rest)? || rest[..4] != MAGIC[4..] {
                return Err(bad(
                    "snappy: not a snappy-java stream (Spark's snappy codec)",
                ));
            }
            continue;
        }
        let n = u32::from_be_bytes(len) as usize;
        if n > 1 << 30 {
            return Err(bad("snappy: a chunk larger than 1 GiB"));
        }
        let mut data = vec![0u8; n];
        if n > 0 && !fill(input, &mut data)? {
            return Err(bad("truncated chunk"));
        }
        return snap::raw::Decoder::new()
            .decompress_vec(&data)
            .map(Some)
            .map_err(|e| bad(&format!("snappy: {e}")));
    }
}

/// The files of an event log: itself, or a rolling log folder's
/// `events_N_*` files in order of N.
pub fn parts(path: &Path) -> Result<Vec<PathBuf>, String> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path)
        .map_err(|e| format!("cannot read the folder {}: {e}", path.display()))?;
    let mut files: Vec<(u64, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix("events_") else {
            continue;
        };
        let index = rest.split('_').next().and_then(|n| n.parse::<u64>().ok());
        match index {
            Some(i) => files.push((i, entry.path())),
            None => {
                return Err(format!(
                    "{}: an event log file named events_N_…, with N a number, expected",
                    entry.path().display()
                ));
            }
        }
    }
    if files.is_empty() {
        return Err(format!(
            "{} is a folder without events_N_… files: not a rolling event log",
            path.display()
        ));
    }
    files.sort();
    Ok(files.into_iter().map(|(_, p)| p).collect())
}

/// One file, decompressed by its extension.
pub fn open_file(path: &Path) -> Result<Box<dyn BufRead>, String> {
    let f = std::fs::File::open(path)
        .map_err(|e| format!("cannot read the trace {}: {e}", path.display()))?;
    let raw = BufReader::with_capacity(1 << 16, f);
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match ext {
        "zstd" | "zst" => {
            let source: Box<dyn Read> = Box::new(raw);
            let d = ruzstd::decoding::StreamingDecoder::new(source)
                .map_err(|e| format!("{}: not a zstd stream: {e}", path.display()))?;
            Ok(Box::new(BufReader::with_capacity(
                1 << 16,
                Zstd { decoder: Some(d) },
            )))
        }
        "gz" => Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::read::MultiGzDecoder::new(raw),
        ))),
        "lz4" => Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            Blocks::new(raw, lz4_block),
        ))),
        "snappy" => Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            Blocks::new(raw, snappy_chunk),
        ))),
        "lzf" => Err(format!(
            "{}: Spark's lzf codec is not read; decompress the log with Spark (or write it with spark.eventLog.compression.codec=zstd)",
            path.display()
        )),
        _ => Ok(Box::new(raw)),
    }
}
