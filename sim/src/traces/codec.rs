//! Opening a trace file as the History Server opens an event log: by the
//! codec its name ends with (Spark 3.0 `EventLogFileReader.openEventLog`
//! picks the codec from the file's extension, `CompressionCodec`'s short
//! names), and a rolling event log folder (`eventlog_v2_*`, Spark 3.0
//! `RollingEventLogFilesFileReader`) as its `events_N_*` files in order
//! of N.
//!
//! Codecs read here: none, `.zstd` (Spark's `ZStdCompressionCodec`
//! writes standard zstd frames; read with the pure-Rust `ruzstd`), and
//! `.gz` (how Google ships its cluster traces; `flate2`). `.lz4`
//! and `.snappy` (Spark's block formats of lz4-java and snappy-java) are
//! refused with a message saying so, and `zstd -d` or Spark's own reader
//! turn them into plain logs.

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
        "lz4" | "snappy" | "lzf" => Err(format!(
            "{}: Spark's {ext} codec is not read yet; decompress the log with Spark (or write it with spark.eventLog.compression.codec=zstd)",
            path.display()
        )),
        _ => Ok(Box::new(raw)),
    }
}
