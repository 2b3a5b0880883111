"""Demo sprints for `seed_demo`: synthetic but plausible Swedish examples in all 14 municipalities (idempotent)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from themes.models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, Visibility, WorkPackage

from . import services
from .models import Card, Sprint, Status

SYNTHETIC = "Syntetiska demodata."


@dataclass
class DemoSprint:
    municipality: str
    title: str
    goal: str
    hypothesis: str
    work_package: str
    value_chain: str
    phases: tuple[str, ...]
    method: str
    start: str
    weeks: int
    status: str
    visibility: str = Visibility.PUBLIC
    # (metric, unit, baseline, target, actual)
    results: tuple[tuple[str, str, str | None, str | None, str], ...] = ()
    retrospective: tuple[str, str, str, str] | None = None
    cards: tuple[tuple[str, str], ...] = field(default=())


D = DemoSprint
S = Status
V = Visibility

SPRINTS: list[DemoSprint] = [
    D(
        "kiruna",
        "Prova-på-boende för distansarbetare",
        "Låta distansarbetare bo och arbeta en vecka i Kiruna innan de bestämmer sig.",
        "Vi tror att en betald testvecka med coworking gör att fler ansöker om att flytta, mätt i antal inflyttningsansökningar efter 3 månader.",
        "WP1",
        "physical",
        ("visit", "decide"),
        "test-week",
        "2025-02-03",
        6,
        S.CLOSED,
        results=(
            ("Deltagare i testveckan", "personer", "0", "12", "14"),
            ("Flyttbeslut inom 3 månader", "hushåll", "0", "3", "4"),
        ),
        retrospective=(
            "Lokala värdar som visade vardagen, inte bara naturen.",
            "Svårt att hitta möblerade korttidsboenden i mars.",
            "Flera deltagare tog med barnen och frågade om skolplatser direkt.",
            "Upprepa under sommaren med fler boendeplatser.",
        ),
        cards=(("Boka lägenheter hos bostadsbolaget", "done"), ("Rekrytera lokala värdar", "done")),
    ),
    D(
        "kiruna",
        "Mottagning av nyanställda i gruvindustrin",
        "En gemensam välkomstdag för nyanställda och deras familjer.",
        "Vi tror att en välkomstdag med arbetsgivare och kommun ökar andelen som stannar efter ett år, mätt i personalomsättning.",
        "WP2",
        "physical",
        ("move", "settle"),
        "workshop",
        "2026-09-01",
        10,
        S.RUNNING,
        results=(("Deltagande familjer", "familjer", "0", "25", "18"),),
        cards=(
            ("Bjuda in arbetsgivare", "done"),
            ("Ta fram välkomstpaket", "doing"),
            ("Utvärderingsenkät", "todo"),
        ),
    ),
    D(
        "kiruna",
        "Norrskensgäster blir invånare",
        "Nå turister som återkommer för norrskenet med ett erbjudande om att pröva att bo här.",
        "Vi tror att återkommande vinterbesökare är mer benägna att flytta, mätt i klick på flyttguiden.",
        "WP1",
        "marketing",
        ("discover", "consider"),
        "campaign-ab",
        "2026-12-01",
        8,
        S.IDEA,
        visibility=V.INTERNAL,
    ),
    D(
        "lulea",
        "Flyttlots för medföljande partner",
        "En lots som hjälper medföljande partner att hitta jobb inom tre månader.",
        "Vi tror att personlig lotsning för medföljande halverar tiden till första jobb, mätt i veckor.",
        "WP2",
        "physical",
        ("settle",),
        "pilot",
        "2025-08-18",
        16,
        S.LEARNED,
        results=(
            ("Tid till första anställning", "veckor", "20", "10", "11"),
            ("Matchade partner", "personer", "0", "15", "17"),
        ),
        retrospective=(
            "Lotsens kontaktnät hos arbetsgivarna var avgörande.",
            "Engelskspråkiga tjänster saknades i flera branscher.",
            "Många ville starta eget företag.",
            "Koppla på Nyföretagarcentrum.",
        ),
    ),
    D(
        "lulea",
        "Digital flyttguide på engelska",
        "En guide som svarar på de vanligaste frågorna från internationella inflyttare.",
        "Vi tror att en engelsk flyttguide minskar antalet frågor till kommunens växel, mätt per månad.",
        "WP1",
        "digital",
        ("consider", "decide"),
        "design-sprint",
        "2026-10-05",
        5,
        S.RUNNING,
        visibility=V.PARTNERS,
        results=(("Besök på guiden", "besök/mån", "0", "2000", "1350"),),
    ),
    D(
        "lulea",
        "Hackathon: bostadskön för inflyttare",
        "Hitta sätt att korta vägen till första bostaden.",
        "Vi tror att en gemensam bostadsportal ger inflyttare bostad snabbare, mätt i dagar till kontrakt.",
        "WP3",
        "digital",
        ("move",),
        "hackathon",
        "2027-02-10",
        1,
        S.PLANNED,
    ),
    D(
        "pitea",
        "Säsongsarbetare som stannar",
        "Erbjuda säsongsanställda inom besöksnäringen ett fortsatt liv i Piteå.",
        "Vi tror att ett erbjudande om året-runt-jobb gör att fler säsongsarbetare stannar, mätt i antal som skriver sig.",
        "WP2",
        "marketing",
        ("stay",),
        "interviews",
        "2025-05-05",
        12,
        S.CLOSED,
        results=(
            ("Intervjuade säsongsarbetare", "personer", None, "30", "34"),
            ("Folkbokförda efter säsongen", "personer", "2", "8", "5"),
        ),
        retrospective=(
            "Intervjuerna gav en tydlig bild av vad som saknas: boende och fritid på vintern.",
            "Arbetsgivarna hade svårt att lova tjänster året runt.",
            "Hälften kom från andra EU-länder.",
            "Dela lärdomarna med Arvidsjaur och Jokkmokk.",
        ),
    ),
    D(
        "pitea",
        "Kampanjtest: havet eller skogen",
        "Testa vilken bild av Piteå som lockar flest att läsa mer om att flytta.",
        "Vi tror att bilder från skärgården ger fler klick än skogsmotiv, mätt i klickfrekvens.",
        "WP1",
        "profile",
        ("discover",),
        "campaign-ab",
        "2026-06-01",
        4,
        S.LEARNED,
        results=(
            ("Klickfrekvens skärgård", "%", "1.2", "2.0", "2.6"),
            ("Klickfrekvens skog", "%", "1.2", "2.0", "1.4"),
        ),
        retrospective=(
            "Snabbt test med tydligt svar.",
            "För få visningar i Tyskland.",
            "Vinterbilder slog båda.",
            "Testa vintermotiv.",
        ),
    ),
    D(
        "boden",
        "Välkomstfika för nya invånare",
        "Ett återkommande välkomstmöte med föreningslivet.",
        "Vi tror att tidig kontakt med föreningar gör att nya invånare trivs, mätt i enkät efter ett halvår.",
        "WP1",
        "physical",
        ("settle", "stay"),
        "pilot",
        "2025-09-01",
        20,
        S.CLOSED,
        results=(("Nöjdhet efter ett halvår", "index 1–5", "3.4", "4.0", "4.2"),),
        retrospective=(
            "Föreningarna ställde upp och återkommer gärna.",
            "Lördagar passade inte barnfamiljer.",
            "Många nya var militärer med familj.",
            "Samarbeta med Försvarsmakten om datum.",
        ),
    ),
    D(
        "boden",
        "Tjänstesafari: att flytta hit som officersfamilj",
        "Uppleva kommunens service som en nyinflyttad familj gör.",
        "Vi tror att vi hittar tre hinder i mottagandet som går att åtgärda direkt.",
        "WP1",
        "physical",
        ("move", "settle"),
        "service-safari",
        "2026-10-12",
        3,
        S.RUNNING,
        visibility=V.PARTNERS,
        cards=(("Boka safari med tre familjer", "done"), ("Sammanställ hinder", "doing")),
    ),
    D(
        "gallivare",
        "Samhällsomvandlingen som berättelse",
        "Berätta om flytten av centrum som en möjlighet för inflyttare.",
        "Vi tror att en berättelse om det nya Gällivare ökar intresset, mätt i besök på inflyttningssidan.",
        "WP1",
        "profile",
        ("discover", "consider"),
        "workshop",
        "2025-03-10",
        4,
        S.CLOSED,
        results=(("Besök på inflyttningssidan", "besök/mån", "800", "1500", "1900"),),
        retrospective=(
            "Invånarnas egna röster fungerade bäst.",
            "Tog tid att få klartecken om bilder.",
            "Unga vuxna som flyttat hem ville vara ambassadörer.",
            "Starta ett ambassadörsprogram.",
        ),
    ),
    D(
        "gallivare",
        "Ambassadörer som flyttat hem",
        "Låta hemflyttare svara på frågor från intresserade.",
        "Vi tror att personliga svar från hemflyttare ökar antalet som besöker orten, mätt i bokade besök.",
        "WP1",
        "marketing",
        ("consider", "visit"),
        "pilot",
        "2026-08-15",
        14,
        S.RUNNING,
        results=(("Frågor besvarade av ambassadörer", "st", "0", "100", "64"),),
    ),
    D(
        "haparanda",
        "Tvåspråkigt mottagande över gränsen",
        "Samordna mottagandet med Torneå för dem som flyttar över gränsen.",
        "Vi tror att en gemensam svensk-finsk info-punkt gör flytten enklare, mätt i antal ärenden.",
        "WP1",
        "digital",
        ("decide", "move"),
        "design-sprint",
        "2025-10-06",
        5,
        S.LEARNED,
        results=(("Ärenden i info-punkten", "st/mån", "0", "40", "52"),),
        retrospective=(
            "Samarbetet med Torneå gick snabbt.",
            "Skatteregler krånglade till rådgivningen.",
            "Många pendlare ville bo i Sverige och arbeta i Finland.",
            "Ta fram en pendlarguide.",
        ),
    ),
    D(
        "haparanda",
        "Pendlarguide Haparanda–Torneå",
        "En guide för dem som bor på ena sidan och arbetar på den andra.",
        "Vi tror att en pendlarguide gör att fler väljer att bosätta sig i Haparanda.",
        "WP2",
        "digital",
        ("consider",),
        "interviews",
        "2026-11-02",
        6,
        S.PLANNED,
    ),
    D(
        "jokkmokk",
        "Vinterveckan: bo som en jokkmokkare",
        "Låta intresserade pröva vardagen under Jokkmokks marknad.",
        "Vi tror att en vecka under marknaden med boende hos lokala värdar leder till fler flyttbeslut.",
        "WP1",
        "physical",
        ("visit",),
        "test-week",
        "2025-02-03",
        2,
        S.CLOSED,
        results=(("Deltagare", "personer", "0", "10", "9"), ("Flyttbeslut", "hushåll", "0", "2", "2")),
        retrospective=(
            "Samiska kulturinslag uppskattades mycket.",
            "Boendet räckte inte under marknadsveckan.",
            "Flera ville starta företag inom besöksnäringen.",
            "Flytta testveckan till mars.",
        ),
    ),
    D(
        "jokkmokk",
        "Hackathon om tomma hus",
        "Hitta sätt att få tomma hus i byarna ut på marknaden.",
        "Vi tror att en kartläggning med ägarna ger fler bostäder till salu, mätt i antal hus.",
        "WP3",
        "physical",
        ("move", "settle"),
        "hackathon",
        "2026-09-20",
        2,
        S.LEARNED,
        visibility=V.PARTNERS,
        results=(("Hus som kom ut på marknaden", "st", "0", "5", "7"),),
        retrospective=(
            "Ägarna var mer villiga än vi trodde.",
            "Arvsfrågor tar tid.",
            "Byalagen hade egna listor.",
            "Bygg vidare med byalagen.",
        ),
    ),
    D(
        "arjeplog",
        "Biltestare som blir invånare",
        "Göra vintertestningens ingenjörer intresserade av att bo kvar året runt.",
        "Vi tror att ett sommarerbjudande till vintertestarna ökar antalet som stannar, mätt i folkbokföringar.",
        "WP2",
        "marketing",
        ("discover", "stay"),
        "campaign-ab",
        "2025-04-01",
        8,
        S.CLOSED,
        results=(("Svar på sommarerbjudandet", "st", "0", "40", "28"),),
        retrospective=(
            "Testföretagen delade gärna kampanjen.",
            "Erbjudandet nådde fram för sent på säsongen.",
            "Partner till testarna var mer intresserade än testarna själva.",
            "Rikta nästa kampanj till familjerna.",
        ),
    ),
    D(
        "arjeplog",
        "Energi för nya bostäder",
        "Planera elförsörjningen för nya bostadsområden.",
        "Vi tror att tidig samordning med nätbolaget kortar tiden till byggstart.",
        "WP4",
        "physical",
        ("move",),
        "workshop",
        "2026-10-01",
        8,
        S.PLANNED,
        visibility=V.INTERNAL,
    ),
    D(
        "arvidsjaur",
        "Välkomstpaket för nya läkare",
        "Rekrytera och behålla läkare med familj.",
        "Vi tror att ett välkomstpaket med förskoleplats och partnerjobb gör att fler tackar ja.",
        "WP2",
        "physical",
        ("decide", "settle"),
        "service-safari",
        "2025-06-02",
        6,
        S.CLOSED,
        results=(("Tackade ja", "läkare", "1", "3", "3"),),
        retrospective=(
            "Regionen och kommunen samverkade bra.",
            "Partnerjobb var svårast.",
            "Fritidsutbudet vägde tungt.",
            "Gör paketet till en rutin.",
        ),
    ),
    D(
        "arvidsjaur",
        "Intervjuer med nyinflyttade 2026",
        "Förstå varför folk flyttat hit de senaste två åren.",
        "Vi tror att intervjuerna visar vilka kanaler som fungerar bäst.",
        "WP1",
        "marketing",
        ("discover", "consider", "decide"),
        "interviews",
        "2026-09-15",
        8,
        S.RUNNING,
        results=(("Genomförda intervjuer", "st", "0", "20", "12"),),
    ),
    D(
        "kalix",
        "Skärgårdsliv på distans",
        "Locka distansarbetare till Kalix skärgård.",
        "Vi tror att en kampanj med coworking i skärgården ökar intresseanmälningarna.",
        "WP1",
        "marketing",
        ("discover", "visit"),
        "campaign-ab",
        "2026-05-01",
        10,
        S.LEARNED,
        results=(("Intresseanmälningar", "st", "10", "60", "71"),),
        retrospective=(
            "Sommarbilder fungerade bra.",
            "Få hade provat coworking-lokalen.",
            "Nederländare var den största gruppen.",
            "Rikta kampanj mot Nederländerna.",
        ),
    ),
    D(
        "kalix",
        "Digital väg in till kommunens service",
        "Samla alla e-tjänster för nya invånare på ett ställe.",
        "Vi tror att en samlad ingång minskar antalet samtal från nya invånare.",
        "WP1",
        "digital",
        ("move", "settle"),
        "design-sprint",
        "2027-01-11",
        5,
        S.IDEA,
        visibility=V.INTERNAL,
    ),
    D(
        "pajala",
        "Meänkieli som tillgång",
        "Lyfta språket och kulturen i marknadsföringen mot hemflyttare.",
        "Vi tror att kulturarvet lockar hemflyttare, mätt i svar på kampanjen.",
        "WP1",
        "profile",
        ("discover", "consider"),
        "workshop",
        "2025-11-03",
        3,
        S.CLOSED,
        results=(("Svar från hemflyttare", "st", "0", "30", "41"),),
        retrospective=(
            "Kulturföreningarna bidrog med berättelser.",
            "Svårt att nå dem som bor utomlands.",
            "Unga engagerade sig mest.",
            "Ta fram en hemflyttardag.",
        ),
    ),
    D(
        "pajala",
        "Hemflyttardagen",
        "En dag i juli för dem som funderar på att flytta hem.",
        "Vi tror att en hemflyttardag leder till fler flyttbeslut bland utflyttade.",
        "WP1",
        "physical",
        ("visit", "decide"),
        "pilot",
        "2026-07-10",
        1,
        S.LEARNED,
        results=(
            ("Besökare", "personer", "0", "80", "95"),
            ("Flyttbeslut inom ett år", "hushåll", "0", "5", "2"),
        ),
        retrospective=(
            "Stort intresse och god stämning.",
            "Svårt att följa upp besökarna efteråt.",
            "Många kom med barn.",
            "Bygg en uppföljningslista med samtycke.",
        ),
    ),
    D(
        "overkalix",
        "Bo i byn: en vecka i Överkalix",
        "Låta stadsbor pröva livet i en by.",
        "Vi tror att en vecka i byn gör fler intresserade av att köpa hus.",
        "WP1",
        "physical",
        ("visit",),
        "test-week",
        "2026-10-19",
        1,
        S.RUNNING,
        results=(("Deltagare", "hushåll", "0", "6", "6"),),
    ),
    D(
        "overkalix",
        "Husbilder som säljer",
        "Hjälpa husägare att visa sina hus för inflyttare.",
        "Vi tror att bättre bilder i annonserna ger fler visningar.",
        "WP3",
        "marketing",
        ("decide",),
        "workshop",
        "2025-05-12",
        2,
        S.CLOSED,
        results=(("Visningar per annons", "st", "2", "5", "6"),),
        retrospective=(
            "Enkel åtgärd med stor effekt.",
            "Några ägare ville inte delta.",
            "Drönarbilder var populära.",
            "Erbjud hjälpen till alla byar.",
        ),
    ),
    D(
        "overtornea",
        "Gränslöst företagande",
        "Stötta inflyttare som vill starta företag på båda sidor gränsen.",
        "Vi tror att rådgivning på svenska och finska gör att fler startar företag.",
        "WP2",
        "physical",
        ("settle",),
        "interviews",
        "2026-09-01",
        12,
        S.RUNNING,
        visibility=V.PARTNERS,
        results=(("Rådgivningssamtal", "st", "0", "20", "9"),),
    ),
    D(
        "overtornea",
        "Meänmaa i sociala medier",
        "Testa vilka inlägg om Tornedalen som når unga vuxna.",
        "Vi tror att korta filmer om vardagen når fler än bilder på naturen.",
        "WP1",
        "marketing",
        ("discover",),
        "campaign-ab",
        "2025-03-03",
        6,
        S.CLOSED,
        results=(("Räckvidd per inlägg", "personer", "1500", "3000", "4200"),),
        retrospective=(
            "Filmerna delades mycket.",
            "Svårt att mäta effekten på flyttbeslut.",
            "Äldre delade mer än unga.",
            "Koppla kampanjen till en landningssida.",
        ),
    ),
    D(
        "alvsbyn",
        "Pendla till Luleå, bo i Älvsbyn",
        "Marknadsföra Älvsbyn som boendeort för dem som arbetar i Luleå.",
        "Vi tror att ett budskap om tågpendling ökar intresset från Luleå.",
        "WP1",
        "profile",
        ("consider", "decide"),
        "campaign-ab",
        "2026-04-06",
        6,
        S.LEARNED,
        results=(("Klick till bostadssidan", "st", "200", "600", "740"),),
        retrospective=(
            "Tågtiderna var ett starkt argument.",
            "Få lediga hyresrätter att hänvisa till.",
            "Barnfamiljer från Luleå svarade mest.",
            "Samarbeta med bostadsbolaget.",
        ),
    ),
    D(
        "alvsbyn",
        "Energismart villaområde",
        "Planera ett nytt villaområde med lokal energiproduktion.",
        "Vi tror att energismarta tomter lockar inflyttare från de växande industriorterna.",
        "WP4",
        "physical",
        ("decide", "move"),
        "design-sprint",
        "2026-11-09",
        5,
        S.PLANNED,
    ),
    D(
        "boden",
        "Föreningsguide för nya familjer",
        "Samla föreningarnas erbjudanden för barn och unga.",
        "Vi tror att en föreningsguide gör att nya familjer kommer in i samhället snabbare.",
        "WP1",
        "digital",
        ("settle", "stay"),
        "hackathon",
        "2027-03-01",
        1,
        S.IDEA,
    ),
    D(
        "lulea",
        "Ambassadörsnätverk för internationella",
        "Internationella invånare som tipsar andra om livet i Luleå.",
        "Vi tror att internationella ambassadörer ökar antalet rekommendationer, mätt i antal tips.",
        "WP1",
        "marketing",
        ("stay",),
        "pilot",
        "2027-02-01",
        16,
        S.IDEA,
        visibility=V.PARTNERS,
    ),
    D(
        "pitea",
        "Energikompetens till de nya industrierna",
        "Matcha elektriker och energiingenjörer mot företagen i Piteå.",
        "Vi tror att riktade rekryteringsträffar ger fler anställningar inom energi.",
        "WP4",
        "digital",
        ("consider", "decide"),
        "service-safari",
        "2026-09-07",
        8,
        S.RUNNING,
        results=(("Matchningar", "st", "0", "15", "9"),),
    ),
    D(
        "gallivare",
        "Bostäder under omvandlingen",
        "Kartlägga bostadsbehovet för inflyttare under samhällsomvandlingen.",
        "Vi tror att en gemensam prognos med bostadsbolaget minskar bostadsbristen för nyanställda.",
        "WP3",
        "physical",
        ("move",),
        "workshop",
        "2026-11-16",
        4,
        S.PLANNED,
        visibility=V.INTERNAL,
    ),
]


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def seed(*, stdout: Any) -> None:
    """Create the demo sprints that do not exist yet, as their municipality's lead (run after the demo users)."""
    User = get_user_model()
    municipalities = {m.slug: m for m in Municipality.objects.all()}
    wps = {wp.code: wp for wp in WorkPackage.objects.all()}
    chain = {step.code: step for step in ValueChainStep.objects.all()}
    phases = {phase.code: phase for phase in RelocationPhase.objects.all()}
    methods = {method.code: method for method in SprintMethod.objects.all()}
    leads = {user.username: user for user in User.objects.filter(username__startswith="lead-")}
    created = 0
    for spec in SPRINTS:
        municipality = municipalities[spec.municipality]
        if Sprint.objects.filter(municipality=municipality, slug=slugify(spec.title)).exists():
            continue
        lead = leads.get(f"lead-{spec.municipality}")
        if lead is None:
            stdout.write(f"Skipped demo sprint {spec.title!r}: no user lead-{spec.municipality}.")
            continue
        with transaction.atomic():
            _create(spec, lead, municipality, wps, chain, phases, methods)
        created += 1
    stdout.write(f"Demo sprints: {created} created, {Sprint.objects.count()} in total.")


def _create(
    spec: DemoSprint,
    lead: Any,
    municipality: Municipality,
    wps: dict[str, WorkPackage],
    chain: dict[str, ValueChainStep],
    phases: dict[str, RelocationPhase],
    methods: dict[str, SprintMethod],
) -> None:
    start = _date(spec.start)
    initial = Status.RUNNING if spec.status in (Status.LEARNED, Status.CLOSED) else spec.status
    sprint = services.sprint_create(
        actor=lead,
        municipality=municipality,
        title=spec.title,
        goal=spec.goal,
        hypothesis=spec.hypothesis,
        work_package=wps[spec.work_package],
        value_chain_step=chain[spec.value_chain],
        relocation_phases=[phases[code] for code in spec.phases],
        method=methods[spec.method],
        start=start,
        end=start + datetime.timedelta(weeks=spec.weeks),
        team_members=[lead],
        team_note="Demoteam (syntetiskt exempel)",
        status=initial,
        visibility=spec.visibility,
    )
    for title, column in spec.cards:
        card = services.card_create(actor=lead, sprint=sprint, title=title, owner=lead, due_date=sprint.end)
        if column != Card.Column.TODO:
            services.card_move(actor=lead, card=card, column=column)
    for i, (metric, unit, baseline, target, actual) in enumerate(spec.results):
        services.result_log(
            actor=lead,
            sprint=sprint,
            metric=metric,
            unit=unit,
            baseline=None if baseline is None else Decimal(baseline),
            target=None if target is None else Decimal(target),
            actual=Decimal(actual),
            date=min(sprint.end, start + datetime.timedelta(weeks=spec.weeks, days=-i)),
            evidence_note=SYNTHETIC,
        )
    if spec.retrospective and spec.status in (Status.LEARNED, Status.CLOSED):
        worked, did_not, surprises, next_step = spec.retrospective
        services.sprint_close_with_retrospective(
            actor=lead,
            sprint=sprint,
            what_worked=worked,
            what_did_not_work=did_not,
            surprises=surprises,
            next_step=next_step,
        )
        if spec.status == Status.LEARNED:
            # A learned sprint has its retrospective but is not closed yet: the lessons are still being written up.
            services.sprint_move(actor=lead, sprint=sprint, status=Status.LEARNED)
