"""Read one landed file into a DuckDB temp table of text columns, or reject it as a whole.

Every value is read as VARCHAR, so nothing is lost or coerced before validation. The staged table
has `_row_number` (1 = the first data row after the header) and one column per contract column,
named as the contract names it, in contract order; an optional column the file lacks is all null.

Header matching: names compare case-insensitively, ignoring surrounding spaces. A missing
required column rejects the file; an unknown extra column is dropped and named in a note (which
ends up in `raw.load_log.message`).

CSV decoding: UTF-8; a UTF-8 byte-order mark is stripped; bytes that are not valid UTF-8 are read
as Windows-1252 and converted, with a note. The delimiter is always a comma (never sniffed), so a
`;`-separated file shows up as a single-column header and is rejected with that said.

Rejections (`FileRejected`, one message naming the file and the problem):
  empty file (0 bytes, or nothing but whitespace); binary content (NUL or control bytes);
  UTF-16; undecodable (neither UTF-8 nor Windows-1252); a single-column header (wrong delimiter);
  missing required column(s) (named, with any unknown names listed as likely renames); a column
  named twice; a row with fewer fields than the header (the last line: "truncated") or more;
  an unterminated quote; an unreadable Parquet/XLSX file.
A header with no data rows is a valid, empty delivery: it is loaded with rows_in = 0 (a supplier
sending "nothing this period" is information, and it still appears in the load log).

Parquet: every column is cast to VARCHAR. XLSX: the first sheet, first row is the header,
fully empty rows are skipped; formulas are read as their formula text (so `=HYPERLINK(...)` is
seen and quarantined), whole numbers as integers, dates as ISO text.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import duckdb

from ..contracts import Contract

STAGE_TABLE = "_ingest_stage"
UNNUMBERED = "_unnumbered"
UTF8_BOM = b"\xef\xbb\xbf"


class FileRejected(Exception):
    """A file that cannot be read as a whole. `str(exc)` is the one message for the load log."""

    def __init__(self, file: str, reason: str) -> None:
        self.file = file
        self.reason = reason
        super().__init__(f"{file} rejected: {reason}")


@dataclass
class ReadResult:
    rows_in: int
    notes: list[str] = field(default_factory=list)  # warnings for the load log message
    columns_present: tuple[str, ...] = ()


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _preview(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 3] + "..."


# --- header -------------------------------------------------------------------------------

def map_header(file: str, header: list[str],
               contract: Contract) -> tuple[dict[str, int], list[str]]:
    """Map contract column -> position in the header; reject what cannot be loaded.

    Returns the mapping and the notes (unknown columns dropped).
    """
    wanted = {c.name.lower(): c.name for c in contract.columns}
    mapping: dict[str, int] = {}
    unknown: list[str] = []
    for i, raw in enumerate(header):
        norm = (raw or "").strip().lower()
        if norm in wanted:
            name = wanted[norm]
            if name in mapping:
                raise FileRejected(file, f"column {name!r} appears twice in the header")
            mapping[name] = i
        else:
            unknown.append((raw or "").strip() or f"(unnamed column {i + 1})")

    missing = [c for c in contract.required_columns if c not in mapping]
    if missing:
        if len(header) == 1 and len(contract.columns) > 1:
            only = header[0]
            delims = {d: only.count(d) for d in (";", "\t", "|")}
            best = max(delims, key=lambda d: delims[d])
            if delims[best]:
                shown = "tab" if best == "\t" else repr(best)
                raise FileRejected(
                    file, f"not comma-separated: the header is a single column "
                          f"{_preview(only)!r} (the delimiter looks like {shown})")
            raise FileRejected(
                file, f"not a CSV with the expected columns: the header is a single column "
                      f"{_preview(only)!r}")
        if not mapping:
            raise FileRejected(
                file, f"no expected column in the header (first line: "
                      f"{_preview(','.join(header))!r}); missing header row or wrong file?")
        reason = f"missing required column(s): {', '.join(missing)}"
        if unknown:
            reason += f"; unknown column(s) in the header: {', '.join(unknown)} (renamed?)"
        raise FileRejected(file, reason)
    notes = []
    if unknown:
        notes.append(f"unknown column(s) dropped: {', '.join(unknown)}")
    return mapping, notes


def _stage_select(contract: Contract, mapping: dict[str, str]) -> str:
    """Contract columns in contract order, from source expressions (absent -> NULL)."""
    parts = []
    for c in contract.columns:
        src = mapping.get(c.name)
        parts.append(f"{src if src else 'NULL::VARCHAR'} AS {quote_ident(c.name)}")
    return ", ".join(parts)


# --- CSV ----------------------------------------------------------------------------------

CHUNK = 1 << 24  # 16 MiB: files are checked and hashed a chunk at a time, never held whole


@dataclass
class CsvInspection:
    """What one streaming pass over a CSV file's bytes found (see `inspect_csv`)."""
    content_hash: str
    header: list[str]
    utf8: bool  # valid UTF-8 throughout (else it is read as Windows-1252)
    bom: bool
    rejection: str | None = None  # why the file cannot be read at all


def _reject_binary(file: str, sample: bytes) -> None:
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected(file, "UTF-16 encoded; expected UTF-8 text")
    if b"\x00" in sample:
        raise FileRejected(file, "binary content (NUL bytes): not a CSV text file")
    controls = sum(sample.count(bytes([b])) for b in range(1, 32) if b not in (9, 10, 13))
    if controls > max(2, len(sample) // 100):
        raise FileRejected(file, "binary content (control bytes): not a CSV text file")


def inspect_csv(path: Path) -> CsvInspection:
    """One pass over the file in chunks: its sha256, whether it is valid UTF-8 (ASCII chunks
    pass at memory speed; from the first other byte, an incremental decoder, so a character
    split across chunks is fine), binary content, and the header line.
    Memory stays at one chunk whatever the file's size. A file that cannot be read at all gets
    `rejection`, and still its hash (the load log records both)."""
    import codecs
    import hashlib

    file = path.name
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, ascii_so_far, first, size, rejection = True, True, b"", 0, None
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            if rejection:
                continue
            try:
                if not first:
                    first = chunk[:65536]
                    _reject_binary(file, first)
                if b"\x00" in chunk:
                    raise FileRejected(file, "binary content (NUL bytes): not a CSV text file")
            except FileRejected as exc:
                rejection = exc.reason
                continue
            size += len(chunk)
            if utf8 and not (ascii_so_far and chunk.isascii()):
                ascii_so_far = False  # decoded from here on: a character may span chunks
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8 and not rejection:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    if size == 0 and not rejection:
        rejection = "empty file (0 bytes)"
    bom = first.startswith(UTF8_BOM)
    head = first[len(UTF8_BOM):] if bom else first
    text = head.decode("utf-8" if utf8 else "cp1252", errors="replace")
    if not rejection and not text.strip() and size <= len(first):
        rejection = "empty file (no header row)"
    header = next(csv.reader(io.StringIO(text)), []) if not rejection else []
    return CsvInspection(digest.hexdigest(), header, utf8, bom, rejection)


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, a chunk at a time."""
    import hashlib

    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def decode_csv_bytes(file: str, data: bytes) -> tuple[str, list[str], bool]:
    """(text, notes, rewritten): the file as text; `rewritten` if it differs from the bytes.
    Used only for the few files DuckDB cannot read as they are (a BOM, Windows-1252)."""
    if not data:
        raise FileRejected(file, "empty file (0 bytes)")
    _reject_binary(file, data[:65536])
    if b"\x00" in data:
        raise FileRejected(file, "binary content (NUL bytes): not a CSV text file")
    notes: list[str] = []
    rewritten = False
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]
        notes.append("UTF-8 byte-order mark removed")
        rewritten = True
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start]
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc2:
            raise FileRejected(
                file, f"undecodable: neither UTF-8 nor Windows-1252 (byte 0x{data[exc2.start]:02x} "
                      f"at offset {exc2.start})") from None
        notes.append(f"not valid UTF-8 (byte 0x{bad:02x} at offset {exc.start}): "
                     "read as Windows-1252 and converted")
        rewritten = True
    if not text.strip():
        raise FileRejected(file, "empty file (no header row)")
    return text, notes, rewritten


def _last_line_number(path: Path) -> int:
    """The number of the file's last non-blank line (1 = the header)."""
    lines, tail = 0, b""
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            lines += chunk.count(b"\n")
            tail = (tail + chunk)[-65536:]
    trailing = len(tail) - len(tail.rstrip())
    return lines + 1 - tail[len(tail) - trailing:].count(b"\n")


def csv_error_reason(error: str, last_line: int) -> str:
    """A one-line reason for DuckDB's CSV error; `last_line` is the file's last line number."""
    line_m = re.search(r"Line:\s*(\d+)", error)
    line = int(line_m.group(1)) if line_m else None
    cols = re.search(r"Expected Number of Columns:\s*(\d+)\s*Found:\s*(\d+)", error)
    where = f"line {line}" if line else "a line"
    if cols:
        expected, found = int(cols.group(1)), int(cols.group(2))
        if found < expected and line is not None and line >= last_line:
            return (f"truncated: the last line (line {line}) has {found} of the header's "
                    f"{expected} fields (the file was cut off mid-row)")
        if found < expected:
            return f"{where} has {found} fields, the header has {expected}"
        return (f"{where} has {found} fields, the header has {expected} "
                "(an unquoted comma in a value?)")
    if "unterminated quote" in error.lower():
        if line is not None and line >= last_line:
            return (f"truncated: unterminated quoted value on the last line (line {line}); "
                    "the file was cut off mid-row")
        return f"unterminated quoted value on {where}"
    first = error.strip().splitlines()[0] if error.strip() else "unknown error"
    return f"not a readable CSV ({first})"


def _csv_source(path: Path, n_columns: int) -> str:
    positional = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(n_columns)) + "}"
    return (f"read_csv({sql_string(str(path))}, delim=',', quote='\"', escape='\"', "
            f"header=true, auto_detect=false, columns={positional}, strict_mode=true, "
            f"null_padding=false, ignore_errors=false)")


def read_csv(con: duckdb.DuckDBPyConnection, path: Path, data: bytes | None,
             contract: Contract, table: str = STAGE_TABLE,
             inspection: CsvInspection | None = None) -> ReadResult:
    """Stage a CSV: DuckDB's parallel reader straight into a temp table of text (no Python
    decoding, no row-numbering window), numbered by a view. A ragged or cut-off file fails
    that scan and is rejected before anything is written.

    A file DuckDB cannot read as it is (a byte-order mark, Windows-1252 text) is converted into
    a temporary UTF-8 copy for DuckDB to read. Call it outside a transaction: the rows are
    numbered by the staged table's rowids, which only then are their positions."""
    file = path.name
    if inspection is None and data is None:
        inspection = inspect_csv(path)
    if inspection is not None and inspection.rejection:
        raise FileRejected(file, inspection.rejection)
    notes: list[str] = []
    source = path
    tmpdir = None
    if inspection is not None and inspection.utf8 and not inspection.bom:
        header, last_line = inspection.header, None
    else:
        text, notes, rewritten = decode_csv_bytes(file, path.read_bytes() if data is None
                                                  else data)
        header = next(csv.reader(io.StringIO(text[:1_000_000])), [])
        last_line = text.rstrip().count("\n") + 1
        if rewritten:
            tmpdir = tempfile.TemporaryDirectory(prefix="ingest_")
            source = Path(tmpdir.name) / file
            source.write_text(text, encoding="utf-8")
        del text
    mapping, header_notes = map_header(file, header, contract)
    notes.extend(header_notes)
    src = _csv_source(source, len(header))
    select = _stage_select(contract, {name: f"c{i}" for name, i in mapping.items()})
    try:
        # A plain scan into a table keeps the file's order (DuckDB preserves insertion order)
        # while reading in parallel; each row's number is then its rowid, read with the row, so
        # no later plan can shuffle the numbers (row_number() over a scan runs on one thread).
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table}{UNNUMBERED} AS "
                    f"SELECT {select} FROM {src}")
    except duckdb.Error as exc:
        lines = last_line if last_line is not None else _last_line_number(source)
        raise FileRejected(file, csv_error_reason(str(exc), lines)) from None
    finally:
        if tmpdir is not None:  # the rows are in the table now
            tmpdir.cleanup()
    rows_in, first_rowid = con.execute(
        f"SELECT count(*), min(rowid) FROM {table}{UNNUMBERED}").fetchall()[0]
    if rows_in and first_rowid != 0:  # inside a transaction rowids are not positions
        raise RuntimeError("read_csv must run outside a transaction: its row numbers are the "
                           "staged table's rowids")
    con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS "
                f"SELECT rowid + 1 AS _row_number, * FROM {table}{UNNUMBERED}")
    return ReadResult(rows_in, notes, tuple(mapping))


# --- Parquet ------------------------------------------------------------------------------

def read_parquet(con: duckdb.DuckDBPyConnection, path: Path, data: bytes, contract: Contract,
                 table: str = STAGE_TABLE) -> ReadResult:
    file = path.name
    if not data:
        raise FileRejected(file, "empty file (0 bytes)")
    src = f"read_parquet({sql_string(str(path))}, file_row_number=true)"
    try:
        names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()]
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0]
        raise FileRejected(file, f"not a readable Parquet file ({first})") from None
    header = [n for n in names if n != "file_row_number"]
    mapping, notes = map_header(file, header, contract)
    select = _stage_select(contract, {name: f"CAST({quote_ident(header[i])} AS VARCHAR)"
                                      for name, i in mapping.items()})
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS "
            f"SELECT file_row_number + 1 AS _row_number, {select} FROM {src} "
            f"ORDER BY file_row_number")
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0]
        raise FileRejected(file, f"not a readable Parquet file ({first})") from None
    rows_in = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return ReadResult(rows_in, notes, tuple(mapping))


# --- XLSX ---------------------------------------------------------------------------------

def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def read_xlsx(con: duckdb.DuckDBPyConnection, path: Path, data: bytes, contract: Contract,
              table: str = STAGE_TABLE) -> ReadResult:
    import openpyxl
    import pyarrow as pa

    file = path.name
    if not data:
        raise FileRejected(file, "empty file (0 bytes)")
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        rows = wb.worksheets[0].iter_rows(values_only=True)
        first = next(rows, None)
        if first is None:
            raise FileRejected(file, "empty workbook (the first sheet has no header row)")
        header = [_cell_text(v) or "" for v in first]
        mapping, notes = map_header(file, header, contract)
        numbers: list[int] = []
        cols: dict[str, list[str | None]] = {name: [] for name in mapping}
        for sheet_row, values in enumerate(rows, start=1):
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            numbers.append(sheet_row)
            for name, i in mapping.items():
                cols[name].append(_cell_text(values[i]) if i < len(values) else None)
        wb.close()
    except FileRejected:
        raise
    except Exception as exc:  # zip/xml errors: not a workbook
        raise FileRejected(file, f"not a readable XLSX workbook ({type(exc).__name__}: "
                                 f"{_preview(str(exc), 120)})") from None
    arrow = pa.table({"_row_number": pa.array(numbers, pa.int64()),
                      **{f"c_{n}": pa.array(v, pa.string()) for n, v in cols.items()}})
    con.register("_ingest_xlsx", arrow)
    try:
        select = _stage_select(contract, {name: quote_ident(f"c_{name}") for name in mapping})
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS "
                    f"SELECT _row_number, {select} FROM _ingest_xlsx ORDER BY _row_number")
    finally:
        con.unregister("_ingest_xlsx")
    return ReadResult(len(numbers), notes, tuple(mapping))


READERS = {"csv": read_csv, "parquet": read_parquet, "xlsx": read_xlsx}


def read_file(con: duckdb.DuckDBPyConnection, path: Path, contract: Contract, *,
              fmt: str | None = None, data: bytes | None = None,
              table: str = STAGE_TABLE, inspection: CsvInspection | None = None) -> ReadResult:
    """Stage `path` as temp relation `table` (see module doc); raise FileRejected if unreadable.
    A CSV is streamed from disk (`inspection`: its bytes already inspected by `inspect_csv`)."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in READERS:
        raise FileRejected(path.name, f"unsupported format {fmt!r}")
    if fmt == "csv":
        return read_csv(con, path, data, contract, table, inspection=inspection)
    if data is None:  # Parquet and XLSX deliveries are small
        data = path.read_bytes()
    return READERS[fmt](con, path, data, contract, table)
