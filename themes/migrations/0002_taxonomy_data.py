"""Loads the taxonomy of DOMAIN.md: the 14 municipalities, work packages, value chain, relocation phases, sprint methods.

The data is written out here rather than imported from app code, so this migration means the same forever.
Re-running is safe: terms are matched by their stable code.
"""

from django.db import migrations

MUNICIPALITIES = [
    # slug, name, SCB code, population (SCB 31 Dec 2023, rounded to 100), aliases, cluster
    ("arjeplog", "Arjeplog", "2506", 2600, ["Árjepluovve", "Árjeplugg"], "inland"),
    ("arvidsjaur", "Arvidsjaur", "2505", 6100, ["Árviesjávrrie", "Árviessjávrrie"], "inland"),
    ("boden", "Boden", "2582", 27900, [], ""),
    ("gallivare", "Gällivare", "2523", 17300, ["Jiellevárri", "Jällivaara"], ""),
    ("haparanda", "Haparanda", "2583", 9200, ["Haaparanta"], "torne-valley"),
    ("jokkmokk", "Jokkmokk", "2510", 4700, ["Jåhkåmåhkke", "Dálvvadis"], "inland"),
    ("kalix", "Kalix", "2514", 15500, ["Kainuu"], ""),
    ("kiruna", "Kiruna", "2584", 22400, ["Giron", "Kiiruna"], ""),
    ("lulea", "Luleå", "2580", 79400, ["Luleju", "Luulaja"], ""),
    ("pajala", "Pajala", "2521", 5900, [], "torne-valley"),
    ("pitea", "Piteå", "2581", 42300, ["Bihtám", "Piitime"], ""),
    ("alvsbyn", "Älvsbyn", "2560", 7800, [], "inland"),
    ("overkalix", "Överkalix", "2513", 3200, ["Ylikainuu"], "torne-valley"),
    ("overtornea", "Övertorneå", "2518", 4100, ["Matarenki"], "torne-valley"),
]

WORK_PACKAGES = [
    ("WP1", "Attraktion och mottagarkapacitet", "Attraction and receiving capacity"),
    ("WP2", "Kompetens – utbud och matchning", "Skills – supply and matching"),
    ("WP3", "Fysisk planering – mobilisering och kapacitet", "Physical planning – mobilisation and capacity"),
    ("WP4", "Energi – försörjning och kapacitet", "Energy – supply and capacity"),
]

VALUE_CHAIN = [
    ("profile", "Profilering & positionering", "Profiling & positioning", "pull"),
    ("marketing", "Marknadsföring & distribution", "Marketing & distribution", "pull"),
    ("physical", "Fysisk organisering & resurser", "Physical organisation & resources", "receiving"),
    ("digital", "Digitala plattformar & kanaler", "Digital platforms & channels", "receiving"),
]

PHASES = [
    ("discover", "Upptäcka", "Discover", "attention"),
    ("consider", "Överväga", "Consider", "interest"),
    ("visit", "Besöka & pröva", "Visit & try", "interest"),
    ("decide", "Besluta & planera", "Decide & plan", "desire"),
    ("move", "Flytta & anlända", "Move & arrive", "action"),
    ("settle", "Etablera sig", "Settle in", "action"),
    ("stay", "Stanna & rekommendera", "Stay & advocate", "action"),
]

METHODS = [
    ("design-sprint", "Designsprint (5 dagar)", "Design sprint (5 days)"),
    ("service-safari", "Tjänstesafari", "Service safari"),
    ("test-week", "Testvecka / prova-på-boende", "Try-living test week"),
    ("hackathon", "Hackathon", "Hackathon"),
    ("campaign-ab", "Kampanjtest (A/B)", "Campaign A/B test"),
    ("interviews", "Intervjuer med nyinflyttade", "Interviews with newcomers"),
    ("workshop", "Tjänstedesignworkshop", "Service design workshop"),
    ("pilot", "Pilot i liten skala", "Small-scale pilot"),
]


def load(apps, schema_editor):
    Municipality = apps.get_model("themes", "Municipality")
    for slug, name, scb_code, population, aliases, cluster in MUNICIPALITIES:
        Municipality.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "scb_code": scb_code, "population": population, "aliases": aliases, "cluster": cluster},
        )
    for order, (code, sv, en) in enumerate(WORK_PACKAGES):
        apps.get_model("themes", "WorkPackage").objects.update_or_create(
            code=code, defaults={"label_sv": sv, "label_en": en, "sort_order": order}
        )
    for order, (code, sv, en, force) in enumerate(VALUE_CHAIN):
        apps.get_model("themes", "ValueChainStep").objects.update_or_create(
            code=code, defaults={"label_sv": sv, "label_en": en, "force": force, "sort_order": order}
        )
    for order, (code, sv, en, aida) in enumerate(PHASES):
        apps.get_model("themes", "RelocationPhase").objects.update_or_create(
            code=code, defaults={"label_sv": sv, "label_en": en, "aida_stage": aida, "sort_order": order}
        )
    for order, (code, sv, en) in enumerate(METHODS):
        apps.get_model("themes", "SprintMethod").objects.update_or_create(
            code=code, defaults={"label_sv": sv, "label_en": en, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("themes", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
