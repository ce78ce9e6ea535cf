"""The consolidated needs of a group purchase as files: CSV (one line per member and item, as French spreadsheets
read it: semicolons, decimal commas, UTF-8 with its mark) and XLSX (openpyxl, write-only: a summary per item, the
table item × member, and every line). Figures are the exact decimals of `procurement.actions.groups.consolidate`;
in the workbook they are numbers, not text, so the spreadsheet's own sums give the same totals."""

import csv
import io
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from intranet.text import spreadsheet_text
from procurement.actions.groups import CENT, Consolidation


def filename(group, extension: str) -> str:
    return f"besoins-{slugify(group.title)[:60] or 'groupement'}-{group.pk}.{extension}"


def _csv_number(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _lot_label(item) -> str:
    return str(item.lot.number) if item.lot is not None else ""


def csv_rows(consolidation: Consolidation):
    yield [
        _("Member body"),
        _("SIRET"),
        _("Lot"),
        _("Item"),
        _("Unit"),
        _("Quantity"),
        _("Estimated unit price (€ excl. VAT)"),
        _("Estimated amount (€ excl. VAT)"),
        _("Awarded unit price (€ excl. VAT)"),
        _("Share at the awarded prices (€ excl. VAT)"),
        _("Delivery site"),
        _("Wanted from"),
        _("Wanted until"),
        _("Comment"),
    ]
    for member in consolidation.members:
        for item in consolidation.items:
            line = consolidation.line(member, item)
            if line is None:
                continue
            quantity = line["quantity"]
            estimate, awarded = item.unit_price_estimate, item.awarded_unit_price
            yield [
                spreadsheet_text(member.organization.name),
                member.organization.siret,
                _lot_label(item),
                spreadsheet_text(item.designation),
                spreadsheet_text(item.unit),
                _csv_number(quantity),
                _csv_number(estimate),
                _csv_number(
                    (quantity * estimate).quantize(CENT, rounding=ROUND_HALF_UP) if estimate is not None else None
                ),
                _csv_number(awarded),
                _csv_number(
                    (quantity * awarded).quantize(CENT, rounding=ROUND_HALF_UP) if awarded is not None else None
                ),
                spreadsheet_text(line["delivery_site"]),
                line["wanted_from"].isoformat() if line["wanted_from"] else "",
                line["wanted_until"].isoformat() if line["wanted_until"] else "",
                spreadsheet_text(line["comment"]),
            ]


def csv_text(consolidation: Consolidation) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    for row in csv_rows(consolidation):
        writer.writerow(row)
    return buffer.getvalue()


def _append(sheet, values) -> None:
    """A row whose text cells stay text: openpyxl would store a value starting with "=" as a formula, run when the
    file is opened (a member's comment « =HYPERLINK(…) »)."""
    cells = []
    for value in values:
        if isinstance(value, str) and value.startswith("="):  # openpyxl takes only these for formulas
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cells.append(cell)
        else:
            cells.append(value)
    sheet.append(cells)


def _bold(sheet, values):
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    return cells


def xlsx_bytes(consolidation: Consolidation) -> bytes:
    """Three sheets: « Synthèse » (per item: lot, designation, unit, total quantity, members, amounts), « Par
    membre » (items in rows, members in columns, the quantities) and « Lignes » (as the CSV)."""
    group = consolidation.group
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("Summary")[:31])
    summary.append(_bold(summary, [group.title]))
    _append(summary, [_("Coordinator"), group.coordinator.name])
    _append(
        summary, [_("Deadline for declarations"), timezone.localtime(group.declaration_deadline).replace(tzinfo=None)]
    )
    _append(summary, [_("Member bodies"), len(consolidation.members)])
    _append(summary, [])
    summary.append(
        _bold(
            summary,
            [
                _("Lot"),
                _("Item"),
                _("Unit"),
                _("Total quantity"),
                _("Members declaring"),
                _("Estimated unit price (€ excl. VAT)"),
                _("Estimated amount (€ excl. VAT)"),
                _("Awarded unit price (€ excl. VAT)"),
                _("Amount at the awarded prices (€ excl. VAT)"),
            ],
        )
    )
    for total in consolidation.item_totals:
        item = total.item
        _append(
            summary,
            [
                item.lot.number if item.lot is not None else None,
                item.designation,
                item.unit,
                total.quantity,
                total.members,
                item.unit_price_estimate,
                total.estimated,
                item.awarded_unit_price,
                total.awarded,
            ],
        )
    summary.append(
        _bold(
            summary,
            [
                _("Total"),
                None,
                None,
                None,
                None,
                None,
                consolidation.estimated,
                None,
                consolidation.awarded if consolidation.any_awarded_price else None,
            ],
        )
    )

    matrix = workbook.create_sheet(_("By member")[:31])
    members = consolidation.members
    matrix.append(_bold(matrix, [_("Lot"), _("Item"), _("Unit"), *(m.organization.name for m in members), _("Total")]))
    for total in consolidation.item_totals:
        item = total.item
        quantities = []
        for member in members:
            line = consolidation.line(member, item)
            quantities.append(line["quantity"] if line else None)
        _append(
            matrix,
            [
                item.lot.number if item.lot is not None else None,
                item.designation,
                item.unit,
                *quantities,
                total.quantity,
            ],
        )

    lines = workbook.create_sheet(_("Lines")[:31])
    rows = csv_rows(consolidation)
    lines.append(_bold(lines, next(rows)))
    for member in members:
        for item in consolidation.items:
            line = consolidation.line(member, item)
            if line is None:
                continue
            quantity = line["quantity"]
            estimate, awarded = item.unit_price_estimate, item.awarded_unit_price
            _append(
                lines,
                [
                    member.organization.name,
                    member.organization.siret,
                    item.lot.number if item.lot is not None else None,
                    item.designation,
                    item.unit,
                    quantity,
                    estimate,
                    (quantity * estimate).quantize(CENT, rounding=ROUND_HALF_UP) if estimate is not None else None,
                    awarded,
                    (quantity * awarded).quantize(CENT, rounding=ROUND_HALF_UP) if awarded is not None else None,
                    line["delivery_site"],
                    line["wanted_from"],
                    line["wanted_until"],
                    line["comment"],
                ],
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
