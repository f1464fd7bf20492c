"""Read one landed file into a DuckDB temp table of text columns, or reject it as a whole.

Every value is read as VARCHAR, so nothing is lost or coerced before validation. The staged table
has `_row_number` (1 = the first data row after the header) and one column per contract column,
named as the contract names it, in contract order; an optional column the file lacks is all null.

Header matching: names compare case-insensitively, ignoring surrounding spaces. A missing
required column rejects the file; an unknown extra column is dropped and named in a note (which
ends up in `raw.load_log.message`).

CSV decoding: UTF-8; a UTF-8 byte-order mark is stripped; bytes that are not valid UTF-8 are read
as Windows-1252 and converted, with a note. Line endings: LF or CRLF are read as they are; old Mac
CR-only endings, and a mix of CRLF and LF, are normalised to LF (with a note) and the file loaded.
The delimiter is always a comma (never sniffed), so a `;`-separated file shows up as a
single-column header and is rejected with that said.

The file is read through an `OpenedFile` (landing.py): Python reads its descriptor, DuckDB reads
`/dev/fd/<n>`, and a converted copy is written under a fixed name in a private temporary folder,
so no path handed to DuckDB holds a character it could expand as a glob pattern.
Messages never quote the file's content: not the first line, not a value (the header's unknown
names are listed only when the header matched some expected columns, each name capped).

Rejections (`FileRejected`, one message naming the file and the problem):
  empty file (0 bytes, or nothing but whitespace); no line break at all (a header cut off
  before its end: a complete delivery, even an empty one, ends its header line); binary content
  (NUL or control bytes); a line over DuckDB's 2,000,000-byte limit (named, with its length);
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
from .landing import OpenedFile
from .rejection import MAX_COLUMN_NAME, FileRejected, error_summary, shown

STAGE_TABLE = "_ingest_stage"
UNNUMBERED = "_unnumbered"
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass
class ReadResult:
    rows_in: int
    notes: list[str] = field(default_factory=list)  # warnings for the load log message
    columns_present: tuple[str, ...] = ()


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _names(names: list[str], limit: int = 4) -> str:
    """Header names for a message: each escaped and capped, at most `limit` of them."""
    out = ", ".join(shown(n, MAX_COLUMN_NAME) for n in names[:limit])
    return out + (f" and {len(names) - limit} more" if len(names) > limit else "")


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
    # Names are quoted below only once the header is known to be one (some expected column
    # matched): a file without a header row would otherwise put its first row in the message.

    missing = [c for c in contract.required_columns if c not in mapping]
    if missing:
        if len(header) == 1 and len(contract.columns) > 1:
            only = header[0]
            delims = {d: only.count(d) for d in (";", "\t", "|")}
            best = max(delims, key=lambda d: delims[d])
            if delims[best]:
                delim = "tab" if best == "\t" else repr(best)
                raise FileRejected(
                    file, f"not comma-separated: line 1 (the header) is a single column "
                          f"(the delimiter looks like {delim})")
            raise FileRejected(
                file, "not a CSV with the expected columns: line 1 (the header) is a single "
                      "column")
        if not mapping:
            raise FileRejected(
                file, f"no expected column in line 1 (the header; {len(header)} fields); "
                      "missing header row or wrong file?")
        reason = f"missing required column(s): {', '.join(missing)}"
        if unknown:
            reason += f"; unknown column(s) in the header: {_names(unknown)} (renamed?)"
        raise FileRejected(file, reason)
    notes = []
    if unknown:
        notes.append(f"unknown column(s) dropped: {_names(unknown)}")
    return mapping, notes


def _stage_select(contract: Contract, mapping: dict[str, str]) -> str:
    """Contract columns in contract order, from source expressions (absent -> NULL)."""
    parts = []
    for c in contract.columns:
        src = mapping.get(c.name)
        parts.append(f"{src if src else 'NULL::VARCHAR'} AS {quote_ident(c.name)}")
    return ", ".join(parts)


# --- CSV ----------------------------------------------------------------------------------

LF, CRLF, CR, MIXED = "LF", "CRLF", "CR", "mixed CRLF/LF"  # a CSV's line endings
CHUNK = 1 << 24  # 16 MiB: files are checked and hashed a chunk at a time, never held whole


@dataclass
class CsvInspection:
    """What one streaming pass over a CSV file's bytes found (see `inspect_csv`)."""
    content_hash: str
    header: list[str]
    utf8: bool  # valid UTF-8 throughout (else it is read as Windows-1252)
    bom: bool
    rejection: str | None = None  # why the file cannot be read at all
    newlines: str = LF  # LF | CRLF (read as they are) | CR | MIXED (normalised to LF)

    @property
    def readable_as_is(self) -> bool:
        """DuckDB can read the bytes themselves (the common path: no copy, no decoding)."""
        return self.utf8 and not self.bom and self.newlines in (LF, CRLF)



def newline_convention(cr: int, lf: int, lf_only_part: bool = False) -> str | None:
    """The line endings of a text whose counted part has `cr` CRs and `lf` LFs (`lf_only_part`:
    some other part holds LFs and no CR). None: no line break at all. As many CRs as LFs is
    taken for CRLF and read as it is; should they not be in pairs after all (a lone CR here, a
    lone LF there, or further down), DuckDB fails on it and `read_csv` converts the file and
    reads it again."""
    if cr == 0:
        return LF if lf or lf_only_part else None
    if lf == 0 and not lf_only_part:
        return CR
    return CRLF if cr == lf and not lf_only_part else MIXED


def header_fields(file: str, text: str) -> list[str]:
    """The first CSV record of `text` (any line ending ends it)."""
    try:
        return next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error as exc:  # a quote left open, a field over csv's size limit
        raise FileRejected(file, f"line 1 (the header) is not a readable CSV record "
                                 f"({error_summary(str(exc), 60)})") from None


def no_line_break(size: int) -> str:
    return (f"no line break in the file ({size:,} bytes): a header cut off before its end, or "
            "not a line-based CSV (an empty delivery is a header line ending in a line break)")


def normalise_newlines(file: str, text: str, force: bool = False) -> tuple[str, str | None]:
    """CR-only or mixed CRLF/LF text with LF endings, and the note saying so (None: as it was).
    `force`: convert CRs even where they are as many as the LFs (DuckDB could not read it)."""
    if "\r" not in text:
        return text, None
    convention = newline_convention(text.count("\r"), text.count("\n"))
    if convention is None:
        raise FileRejected(file, no_line_break(len(text.encode("utf-8"))))
    if force and convention == CRLF:
        convention = MIXED
    if convention not in (CR, MIXED):
        return text, None
    return (text.replace("\r\n", "\n").replace("\r", "\n"),
            f"{convention} line endings converted to LF")


def _reject_binary(file: str, sample: bytes) -> None:
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected(file, "UTF-16 encoded; expected UTF-8 text")
    if b"\x00" in sample:
        raise FileRejected(file, "binary content (NUL bytes): not a CSV text file")
    controls = sum(sample.count(bytes([b])) for b in range(1, 32) if b not in (9, 10, 13))
    if controls > max(2, len(sample) // 100):
        raise FileRejected(file, "binary content (control bytes): not a CSV text file")


def inspect_csv(opened: OpenedFile) -> CsvInspection:
    """One pass over the file in chunks: its sha256, whether it is valid UTF-8 (ASCII chunks
    pass at memory speed; from the first other byte, an incremental decoder, so a character
    split across chunks is fine), binary content, its line endings, and the header line.
    Memory stays at one chunk whatever the file's size. A file that cannot be read at all gets
    `rejection`, and still its hash (the load log records both). An OSError while reading
    (an I/O error) propagates: the caller rejects the file for it."""
    import codecs
    import hashlib

    file = opened.name
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, ascii_so_far, first, size, rejection = True, True, b"", 0, None
    cr = lf = 0  # counted in the first chunk that has a CR only: DuckDB checks the rest
    counted = lf_only_part = False  # lf_only_part: a chunk with LFs and no CR
    for chunk in opened.chunks(CHUNK):
        digest.update(chunk)
        if rejection:
            continue
        # line endings: `in` is a memchr, nearly free; counting (about 1 GB/s) is done once
        if b"\r" in chunk:
            if not counted:
                cr, lf, counted = chunk.count(b"\r"), chunk.count(b"\n"), True
            elif not lf and b"\n" in chunk:
                lf_only_part = True  # CR-only so far, LFs further down: mixed
        elif not lf_only_part and b"\n" in chunk:
            lf_only_part = True
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
    newlines = newline_convention(cr, lf, lf_only_part)
    if not rejection and newlines is None:
        rejection = no_line_break(size)
    header = []
    if not rejection:
        try:
            header = header_fields(file, text)
        except FileRejected as exc:
            rejection = exc.reason
    return CsvInspection(digest.hexdigest(), header, utf8, bom, rejection, newlines or LF)


def file_sha256(source: OpenedFile | Path) -> str:
    """The sha256 of a file's bytes, a chunk at a time (a path is opened safely first)."""
    import hashlib

    if not isinstance(source, OpenedFile):
        with OpenedFile(source) as opened:
            return file_sha256(opened)
    digest = hashlib.sha256()
    for chunk in source.chunks(CHUNK):
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


def _last_line_number(opened: OpenedFile) -> int:
    """The number of the file's last non-blank line (1 = the header)."""
    lines, tail = 0, b""
    for chunk in opened.chunks(CHUNK):
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
    too_long = re.search(r"Maximum line size of (\d+) bytes exceeded\. Actual Size:\s*(\d+)",
                         error)
    if too_long:
        return (f"{where} is {int(too_long[2]):,} bytes long, over the "
                f"{int(too_long[1]):,}-byte limit of a line (not a CSV of the expected shape)")
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
    return f"not a readable CSV ({error_summary(error)})"


def _csv_source(path: str, n_columns: int) -> str:
    positional = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(n_columns)) + "}"
    return (f"read_csv({sql_string(path)}, delim=',', quote='\"', escape='\"', "
            f"header=true, auto_detect=false, columns={positional}, strict_mode=true, "
            f"null_padding=false, ignore_errors=false)")


def read_csv(con: duckdb.DuckDBPyConnection, opened: OpenedFile, data: bytes | None,
             contract: Contract, table: str = STAGE_TABLE,
             inspection: CsvInspection | None = None) -> ReadResult:
    """Stage a CSV: DuckDB's parallel reader straight into a temp table of text (no Python
    decoding, no row-numbering window), numbered by a view. A ragged or cut-off file fails
    that scan and is rejected before anything is written.

    A file DuckDB cannot read as it is (a byte-order mark, Windows-1252 text, CR-only or mixed
    line endings) is converted into a temporary UTF-8 copy, under a fixed name, for DuckDB to
    read. Call it outside a transaction: the rows are numbered by the staged table's rowids,
    which only then are their positions."""
    file = opened.name
    if inspection is None and data is None:
        inspection = inspect_csv(opened)
    if inspection is not None and inspection.rejection:
        raise FileRejected(file, inspection.rejection)
    if inspection is not None and inspection.readable_as_is:
        try:
            return _stage_csv(con, opened, opened.reader_path, inspection.header, [], None,
                              contract, table)
        except FileRejected:
            if inspection.newlines != CRLF:
                raise
            # CRs and LFs in equal number, yet not in pairs (files joined together): normalise
    text, notes, rewritten = decode_csv_bytes(file, opened.read_all(CHUNK) if data is None
                                              else data)
    text, newline_note = normalise_newlines(file, text, force=inspection is not None and
                                            inspection.newlines == CRLF)
    if newline_note:
        notes.append(newline_note)
        rewritten = True
    header = header_fields(file, text[:1_000_000])
    last_line = text.rstrip().count("\n") + 1
    if not rewritten:
        del text
        return _stage_csv(con, opened, opened.reader_path, header, notes, last_line, contract,
                          table)
    with tempfile.TemporaryDirectory(prefix="ingest_") as tmpdir:
        source = str(Path(tmpdir) / "converted.csv")
        Path(source).write_text(text, encoding="utf-8", newline="")
        del text
        return _stage_csv(con, opened, source, header, notes, last_line, contract, table)


def _stage_csv(con: duckdb.DuckDBPyConnection, opened: OpenedFile, source: str,
               header: list[str], notes: list[str], last_line: int | None, contract: Contract,
               table: str) -> ReadResult:
    """Read `source` (the file itself, or its converted copy) into the staged table."""
    file = opened.name
    mapping, header_notes = map_header(file, header, contract)
    src = _csv_source(source, len(header))
    select = _stage_select(contract, {name: f"c{i}" for name, i in mapping.items()})
    try:
        # A plain scan into a table keeps the file's order (DuckDB preserves insertion order)
        # while reading in parallel; each row's number is then its rowid, read with the row, so
        # no later plan can shuffle the numbers (row_number() over a scan runs on one thread).
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table}{UNNUMBERED} AS "
                    f"SELECT {select} FROM {src}")
    except duckdb.Error as exc:
        lines = last_line if last_line is not None else _last_line_number(opened)
        raise FileRejected(file, csv_error_reason(str(exc), lines)) from None
    rows_in, first_rowid = con.execute(
        f"SELECT count(*), min(rowid) FROM {table}{UNNUMBERED}").fetchall()[0]
    if rows_in and first_rowid != 0:  # inside a transaction rowids are not positions
        raise RuntimeError("read_csv must run outside a transaction: its row numbers are the "
                           "staged table's rowids")
    con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS "
                f"SELECT rowid + 1 AS _row_number, * FROM {table}{UNNUMBERED}")
    return ReadResult(rows_in, [*notes, *header_notes], tuple(mapping))


# --- Parquet ------------------------------------------------------------------------------

def read_parquet(con: duckdb.DuckDBPyConnection, opened: OpenedFile, data: bytes,
                 contract: Contract, table: str = STAGE_TABLE) -> ReadResult:
    file = opened.name
    if not data:
        raise FileRejected(file, "empty file (0 bytes)")
    src = f"read_parquet({sql_string(opened.reader_path)}, file_row_number=true)"
    try:
        names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()]
    except duckdb.Error as exc:
        raise FileRejected(file, f"not a readable Parquet file ({error_summary(str(exc))})"
                           ) from None
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
        raise FileRejected(file, f"not a readable Parquet file ({error_summary(str(exc))})"
                           ) from None
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


def read_xlsx(con: duckdb.DuckDBPyConnection, opened: OpenedFile, data: bytes,
              contract: Contract, table: str = STAGE_TABLE) -> ReadResult:
    import openpyxl
    import pyarrow as pa

    file = opened.name
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
                                 f"{error_summary(str(exc))})") from None
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


def read_file(con: duckdb.DuckDBPyConnection, opened: OpenedFile, contract: Contract, *,
              fmt: str | None = None, data: bytes | None = None,
              table: str = STAGE_TABLE, inspection: CsvInspection | None = None) -> ReadResult:
    """Stage the opened file as temp relation `table` (see module doc); raise FileRejected if
    unreadable. A CSV is streamed (`inspection`: its bytes already inspected by `inspect_csv`).
    An OSError while reading (an I/O error) propagates: the caller rejects the file for it."""
    fmt = (fmt or Path(opened.name).suffix.lstrip(".")).lower()
    if fmt not in READERS:
        raise FileRejected(opened.name, f"unsupported format {shown(fmt, 20)!r}")
    if fmt == "csv":
        return read_csv(con, opened, data, contract, table, inspection=inspection)
    if data is None:  # Parquet and XLSX deliveries are small
        data = opened.read_all(CHUNK)
    return READERS[fmt](con, opened, data, contract, table)
