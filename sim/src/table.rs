//! A report read back from its CSV text: its header and rows, as strings.

use std::path::Path;

/// The header and rows of CSV `text` (read from `path`, named in errors).
pub fn parse_csv(text: &str, path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = r.records();
    let header = match records.next() {
        Some(Ok(h)) => h.iter().map(str::to_string).collect(),
        _ => return Err(format!("{}: no header", path.display())),
    };
    let mut rows = Vec::new();
    for rec in records {
        let rec = rec.map_err(|e| format!("{}: {e}", path.display()))?;
        rows.push(rec.iter().map(str::to_string).collect());
    }
    Ok((header, rows))
}
