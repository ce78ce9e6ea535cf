"""File sizes as French readers read them: decimal units named ko, Mo, Go (« 1,8 Mo », « 520 Ko »).

Django's `filesizeformat` divides by 1024 and, in French, names the units Kio and Mio, which few readers
know. Used by every template that shows the size of a file (forums, knowledge, procurement).
"""

from django import template
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

NBSP = "\u00a0"

# Decimal (SI) steps; the labels are msgids already translated « %(size)s Ko » / « Mo » in the project.
UNITS = (
    (10**9, lambda size: _("%(size)s GB") % {"size": size}),
    (10**6, lambda size: _("%(size)s MB") % {"size": size}),
    (10**3, lambda size: _("%(size)s KB") % {"size": size}),
)


def _number(value: float) -> str:
    """One decimal below 10 (« 1,8 »), none from 10 on (« 520 »), and no « ,0 »."""
    rounded = round(value, 1) if value < 10 else round(value)
    if rounded == int(rounded):
        return formats.number_format(int(rounded), 0, force_grouping=True)
    return formats.number_format(rounded, 1)


@register.filter
def file_size(value) -> str:
    """« 1,8 Mo », « 520 Ko », « 12 octets »: never broken between the number and its unit."""
    try:
        size = max(int(value), 0)
    except (TypeError, ValueError):
        return ""
    for index, (step, label) in enumerate(UNITS):
        if size < step:
            continue
        if index > 0 and round(size / step) >= 1000:  # 999 950 bytes: « 1 Mo », not « 1 000 Ko »
            step, label = UNITS[index - 1]
        return label(_number(size / step)).replace(" ", NBSP)
    return (ngettext("%(size)d byte", "%(size)d bytes", size) % {"size": size}).replace(" ", NBSP)
