"""Fixed bounds on an uploaded workbook, checked before openpyxl parses it.

openpyxl trusts what a file says: a merged range over a whole sheet, a shared string of
hundreds of megabytes or a member that unpacks a thousandfold cost minutes of CPU or
gigabytes of memory. Here the zip's central directory is read first, then every XML part
is streamed through expat in small chunks, counting as it goes and stopping at the first
limit passed, so that a refusal costs little time and a fixed amount of memory. A document
type declaration or an entity is refused outright, as defusedxml does: Excel never writes one.
"""

import zipfile
from xml.parsers import expat

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries

from casework.conf import conf
from casework.reconciliation.values import FileRefused

_CHUNK = 64 * 1024
#: Members read as XML; any other member is sniffed for a leading "<".
_XML_SUFFIXES = (".xml", ".rels", ".vml")


def _refuse_not_a_workbook():
    raise FileRefused(
        _(
            "This is not an Excel workbook (.xlsx). Save it from Excel or WPS as "
            "“Excel workbook (*.xlsx)” and upload it again."
        )
    ) from None


def uncompressed_size(file):
    """The total size the workbook unpacks to, from its central directory; None if not a zip."""
    try:
        with zipfile.ZipFile(file) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        file.seek(0)


def check_workbook(file):
    """Raise FileRefused, with the reason in the user's language, if a limit is passed."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError):
        _refuse_not_a_workbook()
    try:
        with archive:
            members = archive.infolist()
            _check_directory(members)
            for info in members:
                if not info.is_dir():
                    _check_member(archive, info)
    finally:
        file.seek(0)


def _check_directory(members):
    if len(members) > conf.IMPORT_MAX_PARTS:
        raise FileRefused(
            _("The file has %(count)d parts; a workbook of at most %(limit)d is read.")
            % {"count": len(members), "limit": conf.IMPORT_MAX_PARTS}
        )
    total = sum(info.file_size for info in members)
    if total > conf.IMPORT_MAX_UNCOMPRESSED_BYTES:
        raise FileRefused(
            _("The file unpacks to %(size)s; at most %(limit)s is read.")
            % {
                "size": filesizeformat(total),
                "limit": filesizeformat(conf.IMPORT_MAX_UNCOMPRESSED_BYTES),
            }
        )
    for info in members:
        # Tiny members compress well by chance; a large one a thousandfold is a zip bomb.
        if info.file_size > 1024 * 1024 and (
            info.file_size > conf.IMPORT_MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
        ):
            raise FileRefused(
                _(
                    "A part of the file unpacks to %(ratio)d times its packed size, as no "
                    "real workbook does (a “zip bomb”); the file is refused."
                )
                % {"ratio": info.file_size // max(info.compress_size, 1)}
            )


def _check_member(archive, info):
    try:
        with archive.open(info) as source:
            first = source.read(_CHUNK)
            if not (info.filename.lower().endswith(_XML_SUFFIXES) or _looks_like_xml(first)):
                return
            parser = _PartParser(info.filename)
            read = len(first)
            chunk = first
            while chunk:
                parser.feed(chunk)
                chunk = source.read(_CHUNK)
                read += len(chunk)
                if read > info.file_size:  # the directory lied about the size
                    _refuse_not_a_workbook()
            parser.close()
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        _refuse_not_a_workbook()


def _looks_like_xml(data):
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def _parse_ref(ref):
    try:
        return range_boundaries(ref.upper())
    except (ValueError, TypeError):
        _refuse_not_a_workbook()


class _PartParser:
    """Streams one XML part, counting what openpyxl would build from it."""

    def __init__(self, name):
        self.name = name
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartDoctypeDeclHandler = self._refuse_dtd
        self.parser.EntityDeclHandler = self._refuse_dtd
        self.parser.UnparsedEntityDeclHandler = self._refuse_dtd
        self.parser.ExternalEntityRefHandler = self._refuse_dtd
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.parser.buffer_text = False
        self.root = None
        self.rows = self.cells = self.merged = self.merged_cells = self.sheets = 0
        self.column = 0
        self.text = 0  # characters of the current cell (sheet) or string (shared strings)

    def feed(self, data):
        try:
            self.parser.Parse(data, False)
        except expat.ExpatError:
            _refuse_not_a_workbook()

    def close(self):
        try:
            self.parser.Parse(b"", True)
        except expat.ExpatError:
            _refuse_not_a_workbook()

    def _refuse_dtd(self, *args):
        raise FileRefused(
            _(
                "The file holds a document type declaration or an XML entity, which Excel "
                "and WPS never write; it is refused."
            )
        )

    def _start(self, tag, attrs):
        local = tag.rpartition(" ")[2]
        if self.root is None:
            self.root = local
            return
        if self.root == "worksheet":
            self._sheet_element(local, attrs)
        elif self.root == "sst" and local == "si":
            self.text = 0
        elif self.root == "workbook" and local == "sheet":
            self.sheets += 1
            if self.sheets > conf.IMPORT_MAX_SHEETS:
                raise FileRefused(
                    _("The workbook has more than %(limit)d sheets.")
                    % {"limit": conf.IMPORT_MAX_SHEETS}
                )

    def _end(self, tag):
        if self.root == "worksheet" and tag.rpartition(" ")[2] == "c":
            self.text = 0

    def _text(self, data):
        if self.root not in ("sst", "worksheet"):
            return
        self.text += len(data)
        if self.text > conf.IMPORT_MAX_TEXT_CHARS:
            raise FileRefused(
                _(
                    "A text in the file is longer than %(limit)d characters (an Excel cell "
                    "holds at most 32,767); the file is refused."
                )
                % {"limit": conf.IMPORT_MAX_TEXT_CHARS}
            )

    def _sheet_element(self, local, attrs):
        if local == "dimension":
            self._check_area(attrs.get("ref", "A1"), declared=True)
        elif local == "row":
            self.rows += 1
            self.column = 0
            number = attrs.get("r")
            if number is not None:
                if not number.isascii() or not number.isdigit():
                    _refuse_not_a_workbook()
                self._check_row(int(number))
            else:
                self._check_row(self.rows)
        elif local == "c":
            self.cells += 1
            if self.cells > conf.IMPORT_MAX_CELLS:
                self._refuse_cells()
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                try:
                    self.column = column_index_from_string(letters.upper())
                except ValueError:
                    _refuse_not_a_workbook()
            else:
                self.column += 1
            self._check_column(self.column)
        elif local == "mergeCell":
            self.merged += 1
            if self.merged > conf.IMPORT_MAX_MERGED_RANGES:
                raise FileRefused(
                    _("A sheet has more than %(limit)d merged ranges.")
                    % {"limit": conf.IMPORT_MAX_MERGED_RANGES}
                )
            min_col, min_row, max_col, max_row = self._check_area(attrs.get("ref", ""))
            self.merged_cells += (max_col - min_col + 1) * (max_row - min_row + 1)
            if self.merged_cells > conf.IMPORT_MAX_CELLS:
                self._refuse_cells()

    def _check_area(self, ref, declared=False):
        min_col, min_row, max_col, max_row = _parse_ref(ref)
        min_col, min_row = min_col or 1, min_row or 1
        max_col, max_row = max_col or min_col, max_row or min_row
        self._check_row(max_row, declared)
        self._check_column(max_col, declared)
        if declared and (max_col - min_col + 1) * (max_row - min_row + 1) > conf.IMPORT_MAX_CELLS:
            self._refuse_cells()
        return min_col, min_row, max_col, max_row

    def _check_row(self, number, declared=False):
        if number > conf.IMPORT_MAX_ROWS:
            raise FileRefused(
                (
                    _("A sheet declares %(rows)d rows; at most %(limit)d rows are read.")
                    if declared
                    else _("A sheet reaches row %(rows)d; at most %(limit)d rows are read.")
                )
                % {"rows": number, "limit": conf.IMPORT_MAX_ROWS}
            )

    def _check_column(self, number, declared=False):
        if number > conf.IMPORT_MAX_COLUMNS:
            raise FileRefused(
                _(
                    "A sheet reaches column %(column)s; at most %(limit)d columns (up to "
                    "%(last)s) are read. Delete the empty columns and save it again."
                )
                % {
                    "column": get_column_letter(min(number, 18278)),
                    "limit": conf.IMPORT_MAX_COLUMNS,
                    "last": get_column_letter(conf.IMPORT_MAX_COLUMNS),
                }
            )

    def _refuse_cells(self):
        raise FileRefused(
            _("A sheet has more than %(limit)d cells.") % {"limit": conf.IMPORT_MAX_CELLS}
        )
