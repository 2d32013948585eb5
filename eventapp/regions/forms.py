"""The step-by-step region picker (kabupaten → kecamatan → desa) that works without JavaScript.

Each select lists the children of the one above. Without JavaScript, the person presses the
"Tampilkan pilihan wilayah" button and the page comes back with the next list filled; with
JavaScript, changing a select does that press for them.
"""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SubmitField

from eventapp.forms import ChoiceRequired, optional_int, select_choices
from eventapp.regions.models import Region
from eventapp.regions.services import ancestry, children


class RegionPickerMixin:
    kabupaten = SelectField(_l("Kabupaten/Kota"), coerce=optional_int, validate_choice=False)
    kecamatan = SelectField(_l("Kecamatan"), coerce=optional_int, validate_choice=False)
    village_id = SelectField(
        _l("Desa/Kelurahan"), coerce=optional_int, validate_choice=False, validators=[ChoiceRequired()]
    )
    refresh_regions = SubmitField(_l("Tampilkan pilihan wilayah"))

    def prefill_regions(self, village: Region | None) -> None:
        """On first display of an edit form, select the village's kecamatan and kabupaten."""
        chain = ancestry(village)
        if "kabupaten" in chain and self.kabupaten.data is None:
            self.kabupaten.data = chain["kabupaten"].id
            self.kecamatan.data = chain["kecamatan"].id

    def bind_region_choices(self, kabupaten_options: list[Region]) -> None:
        """Fill each select from the one above and drop picks that no longer fit."""
        placeholder = ("", _l("— pilih —"))
        self.kabupaten.choices = select_choices([placeholder] + [(r.id, r.name) for r in kabupaten_options])
        if len(kabupaten_options) == 1:
            self.kabupaten.data = kabupaten_options[0].id
        lower = (self.kecamatan, self.village_id)
        parent_id = self.kabupaten.data if self.kabupaten.data in {r.id for r in kabupaten_options} else None
        for field in lower:
            options = children(parent_id) if parent_id else []
            field.choices = select_choices([placeholder] + [(r.id, r.name) for r in options])
            parent_id = field.data if field.data in {r.id for r in options} else None
            if parent_id is None:
                field.data = None
