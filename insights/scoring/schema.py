"""The declared prospect import schema (DOMAIN.md): columns, Swedish aliases, types, enumerations and refused identifiers."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field


class Kind(enum.StrEnum):
    TEXT = "text"
    COUNTRY = "country"
    ENUM = "enum"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    DATE = "date"
    TOKENS = "tokens"


@dataclass(frozen=True)
class Column:
    """One column of the import format; `values` maps every accepted spelling (English and Swedish) to its code."""

    name: str
    alias: str
    kind: Kind
    required: bool = False
    values: dict[str, str] = field(default_factory=dict)

    @property
    def codes(self) -> list[str]:
        return list(dict.fromkeys(self.values.values()))


def _enum(codes: list[str], swedish: list[str] | None = None) -> dict[str, str]:
    values = {code: code for code in codes}
    if swedish:
        values.update(dict(zip(swedish, codes, strict=True)))
    return values


AGE_BANDS = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
HOUSEHOLDS = ["single", "couple", "family"]
SEASONS = ["winter", "summer", "both"]
REMOTE_WORK = ["yes", "no", "unknown"]
PROFESSIONS = ["care", "education", "engineering", "it", "trades", "hospitality", "other"]
KNOWN_INTERESTS = [
    "northern_lights",
    "skiing",
    "hiking",
    "fishing",
    "dog_sledding",
    "sami_culture",
    "wilderness",
    "city_life",
]

COLUMNS: tuple[Column, ...] = (
    Column("prospect_ref", "id", Kind.TEXT, required=True),
    Column("country", "land", Kind.COUNTRY, required=True),
    Column("age_band", "åldersgrupp", Kind.ENUM, required=True, values=_enum(AGE_BANDS)),
    Column(
        "household", "hushåll", Kind.ENUM, required=True, values=_enum(HOUSEHOLDS, ["ensam", "par", "familj"])
    ),
    Column("visits", "besök", Kind.INTEGER, required=True),
    Column("last_visit", "senaste_besök", Kind.DATE),
    Column("season", "säsong", Kind.ENUM, values=_enum(SEASONS, ["vinter", "sommar", "båda"])),
    Column("interests", "intressen", Kind.TOKENS),
    Column("newsletter_opens", "nyhetsbrev_öppningar", Kind.INTEGER),
    Column("site_visits", "webbesök", Kind.INTEGER),
    Column("guide_download", "guide_nedladdad", Kind.BOOLEAN),
    Column("webinar", "webbinarium", Kind.BOOLEAN),
    Column("job_clicks", "jobbklick", Kind.INTEGER),
    Column("remote_work", "distansarbete", Kind.ENUM, values=_enum(REMOTE_WORK, ["ja", "nej", "vet ej"])),
    Column(
        "profession",
        "yrkesområde",
        Kind.ENUM,
        values=_enum(
            PROFESSIONS, ["vård", "utbildning", "teknik", "it", "hantverk", "besöksnäring", "annat"]
        ),
    ),
    Column("spend_sek", "spenderat_sek", Kind.DECIMAL),
    Column("consent_analytics", "samtycke_analys", Kind.BOOLEAN, required=True),
    Column("relocated", "flyttat", Kind.BOOLEAN),
)
BY_NAME: dict[str, Column] = {column.name: column for column in COLUMNS}

TRUE_WORDS = frozenset({"ja", "yes", "true", "1", "sant", "y", "j"})
FALSE_WORDS = frozenset({"nej", "no", "false", "0", "falskt", "n"})
# "vet ej" is also written "vet inte" or "okänt" in the destination organisation's exports.
REMOTE_WORK_EXTRA = {"vet inte": "unknown", "okänt": "unknown", "okand": "unknown"}


def normalise_header(header: str) -> str:
    """Headers are case-insensitive; spaces and hyphens count as underscores so `Senaste besök` matches."""
    return re.sub(r"[\s\-]+", "_", str(header).strip().lower())


HEADER_NAMES: dict[str, str] = {}
for _column in COLUMNS:
    HEADER_NAMES[normalise_header(_column.name)] = _column.name
    HEADER_NAMES[normalise_header(_column.alias)] = _column.name

# Direct identifiers are never stored: a column with one of these headers refuses the whole file.
FORBIDDEN_HEADERS: dict[str, str] = {
    normalise_header(header): kind
    for kind, headers in {
        "name": [
            "name", "full name", "first name", "last name", "firstname", "lastname", "surname", "given name",
            "namn", "förnamn", "efternamn", "fullständigt namn", "tilltalsnamn",
        ],
        "e-mail": ["email", "e-mail", "mail", "email address", "e-mail address", "e-post", "epost", "e-postadress", "mejl"],
        "phone": [
            "phone", "telephone", "phone number", "mobile", "mobile phone", "cell", "telefon", "telefonnummer",
            "mobil", "mobilnummer", "mobiltelefon", "tel",
        ],
        "address": [
            "address", "street", "street address", "postal address", "home address", "adress", "gatuadress",
            "postadress", "hemadress", "bostadsadress",
        ],
        "personal identity number": [
            "personnummer", "person number", "personal number", "personal identity number", "ssn",
            "social security number", "pnr", "personnr", "samordningsnummer", "samordningsnr", "coordination number",
            "national id",
        ],
    }.items()
    for header in headers
}  # fmt: skip

# ISO 3166-1 alpha-2, officially assigned codes.
COUNTRY_CODES = frozenset(
    [
        "AD",
        "AE",
        "AF",
        "AG",
        "AI",
        "AL",
        "AM",
        "AO",
        "AQ",
        "AR",
        "AS",
        "AT",
        "AU",
        "AW",
        "AX",
        "AZ",
        "BA",
        "BB",
        "BD",
        "BE",
        "BF",
        "BG",
        "BH",
        "BI",
        "BJ",
        "BL",
        "BM",
        "BN",
        "BO",
        "BQ",
        "BR",
        "BS",
        "BT",
        "BV",
        "BW",
        "BY",
        "BZ",
        "CA",
        "CC",
        "CD",
        "CF",
        "CG",
        "CH",
        "CI",
        "CK",
        "CL",
        "CM",
        "CN",
        "CO",
        "CR",
        "CU",
        "CV",
        "CW",
        "CX",
        "CY",
        "CZ",
        "DE",
        "DJ",
        "DK",
        "DM",
        "DO",
        "DZ",
        "EC",
        "EE",
        "EG",
        "EH",
        "ER",
        "ES",
        "ET",
        "FI",
        "FJ",
        "FK",
        "FM",
        "FO",
        "FR",
        "GA",
        "GB",
        "GD",
        "GE",
        "GF",
        "GG",
        "GH",
        "GI",
        "GL",
        "GM",
        "GN",
        "GP",
        "GQ",
        "GR",
        "GS",
        "GT",
        "GU",
        "GW",
        "GY",
        "HK",
        "HM",
        "HN",
        "HR",
        "HT",
        "HU",
        "ID",
        "IE",
        "IL",
        "IM",
        "IN",
        "IO",
        "IQ",
        "IR",
        "IS",
        "IT",
        "JE",
        "JM",
        "JO",
        "JP",
        "KE",
        "KG",
        "KH",
        "KI",
        "KM",
        "KN",
        "KP",
        "KR",
        "KW",
        "KY",
        "KZ",
        "LA",
        "LB",
        "LC",
        "LI",
        "LK",
        "LR",
        "LS",
        "LT",
        "LU",
        "LV",
        "LY",
        "MA",
        "MC",
        "MD",
        "ME",
        "MF",
        "MG",
        "MH",
        "MK",
        "ML",
        "MM",
        "MN",
        "MO",
        "MP",
        "MQ",
        "MR",
        "MS",
        "MT",
        "MU",
        "MV",
        "MW",
        "MX",
        "MY",
        "MZ",
        "NA",
        "NC",
        "NE",
        "NF",
        "NG",
        "NI",
        "NL",
        "NO",
        "NP",
        "NR",
        "NU",
        "NZ",
        "OM",
        "PA",
        "PE",
        "PF",
        "PG",
        "PH",
        "PK",
        "PL",
        "PM",
        "PN",
        "PR",
        "PS",
        "PT",
        "PW",
        "PY",
        "QA",
        "RE",
        "RO",
        "RS",
        "RU",
        "RW",
        "SA",
        "SB",
        "SC",
        "SD",
        "SE",
        "SG",
        "SH",
        "SI",
        "SJ",
        "SK",
        "SL",
        "SM",
        "SN",
        "SO",
        "SR",
        "SS",
        "ST",
        "SV",
        "SX",
        "SY",
        "SZ",
        "TC",
        "TD",
        "TF",
        "TG",
        "TH",
        "TJ",
        "TK",
        "TL",
        "TM",
        "TN",
        "TO",
        "TR",
        "TT",
        "TV",
        "TW",
        "TZ",
        "UA",
        "UG",
        "UM",
        "US",
        "UY",
        "UZ",
        "VA",
        "VC",
        "VE",
        "VG",
        "VI",
        "VN",
        "VU",
        "WF",
        "WS",
        "YE",
        "YT",
        "ZA",
        "ZM",
        "ZW",
    ]
)
