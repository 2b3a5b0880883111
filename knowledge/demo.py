"""Demo knowledge for `seed_demo`: lessons (many promoted from the demo sprints), eight method cards and three
exchange meetings, in plausible Swedish, with mixed visibility. Synthetic data, labelled so; idempotent."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sprints.models import FINISHED_STATUSES, Sprint
from themes.models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, Visibility, WorkPackage

from . import services
from .models import ExchangeMeetingPage, KnowledgePage, LessonPage, MethodCardPage
from .selectors import knowledge_index

SYNTHETIC = "<p><em>Syntetiska demodata.</em></p>"
VISIBILITIES = (Visibility.PUBLIC, Visibility.PARTNERS, Visibility.INTERNAL)


@dataclass(frozen=True)
class DemoLesson:
    slug: str
    title: str
    municipality: str | None
    method: str
    phases: tuple[str, ...]
    work_package: str
    value_chain: str
    evidence: str
    visibility: str
    tags: tuple[str, ...]
    summary: str
    did: str
    result: str
    advice: str


P, PA, IN = Visibility.PUBLIC, Visibility.PARTNERS, Visibility.INTERNAL

LESSONS: list[DemoLesson] = [
    DemoLesson(
        "valkomstsamtal-forsta-manaden",
        "Välkomstsamtal första månaden",
        "pitea",
        "interviews",
        ("settle",),
        "WP1",
        "physical",
        "observed",
        P,
        ("välkomst", "nyinflyttade"),
        "Ett telefonsamtal under första månaden visar nyinflyttade att någon märkt att de kommit.",
        "Kommunen ringde alla hushåll som skrivit sig under maj och frågade hur starten gått.",
        "De flesta samtal ledde till en fråga om skola, fritid eller jobb som kunde besvaras direkt.",
        "Förbered svar på de fem vanligaste frågorna innan ni börjar ringa.",
    ),
    DemoLesson(
        "flyttguide-pa-engelska",
        "Flyttguiden behövs på engelska",
        "lulea",
        "campaign-ab",
        ("consider", "decide"),
        "WP1",
        "digital",
        "measured",
        P,
        ("flyttguide", "engelska"),
        "En engelsk version av flyttguiden laddades ner tre gånger så ofta av internationella besökare.",
        "Vi testade svensk och engelsk landningssida mot samma annonsmålgrupp i sex veckor.",
        "Den engelska sidan gav 3,1 gånger fler nedladdningar per tusen visningar.",
        "Översätt inte allt: börja med guiden och kontaktvägen till en människa.",
    ),
    DemoLesson(
        "lokala-vardar-visar-vardagen",
        "Lokala värdar visar vardagen",
        "kiruna",
        "test-week",
        ("visit",),
        "WP1",
        "physical",
        "evaluated",
        P,
        ("prova-på", "värdar"),
        "Besökare som fick träffa en lokal värd under testveckan kunde lättare föreställa sig ett liv på orten.",
        "Varje testfamilj fick en värd som visade förskola, mataffär och föreningsliv.",
        "Utvärderingen i Kiruna och Pajala visade samma mönster: värden nämndes först av nästan alla.",
        "Välj värdar som själva har flyttat hit; de minns vad som var svårt.",
    ),
    DemoLesson(
        "korttidsboende-flaskhals",
        "Korttidsboende är flaskhalsen",
        "gallivare",
        "service-safari",
        ("visit", "move"),
        "WP3",
        "physical",
        "observed",
        PA,
        ("bostad", "korttidsboende"),
        "Det går att locka besökare att prova på, men det saknas möblerade lägenheter för en till tre månader.",
        "Teamet gick igenom hela flytten som tre olika personas och noterade varje hinder.",
        "Alla tre personas fastnade på boendet; inget annat hinder var lika stort.",
        "Ta med bostadsbolaget i sprinten från första dagen.",
    ),
    DemoLesson(
        "medfoljande-partner-jobb",
        "Medföljande partner avgör flytten",
        "lulea",
        "interviews",
        ("decide",),
        "WP2",
        "physical",
        "measured",
        PA,
        ("medföljande", "kompetens"),
        "Hushållet flyttar bara om båda hittar jobb; den medföljande partnern behöver egen hjälp.",
        "Vi intervjuade 18 par som tackat nej till jobb i kommunen.",
        "Tolv av 18 angav partnerns jobb som huvudskäl.",
        "Erbjud lotsning för partnern redan i rekryteringen, inte efter flytten.",
    ),
    DemoLesson(
        "forskoleplats-forsta-fragan",
        "Förskoleplatsen är första frågan",
        "boden",
        "interviews",
        ("decide", "move"),
        "WP1",
        "physical",
        "observed",
        P,
        ("förskola", "barnfamiljer"),
        "Barnfamiljer frågar om förskoleplats innan de frågar om bostad.",
        "Vi gick igenom inkomna frågor till kontaktcenter under ett halvår.",
        "Frågor om förskola var vanligast bland inflyttande barnfamiljer.",
        "Lägg förskolekön och garantitiden överst i flyttguiden.",
    ),
    DemoLesson(
        "hackathon-valkomstapp",
        "Hackathon gav prototyp på en vecka",
        None,
        "hackathon",
        ("settle",),
        "WP1",
        "digital",
        "anecdote",
        IN,
        ("hackathon", "app"),
        "Ett hackathon med studenter gav en klickbar prototyp för välkomstinformation på en vecka.",
        "Luleå tekniska universitet bjöd in studenter att bygga en välkomstapp under 48 timmar.",
        "Tre prototyper, varav en testades av tio nyinflyttade.",
        "Ha en förvaltare klar innan hackathonet, annars dör prototypen.",
    ),
    DemoLesson(
        "sommarjobb-for-unga-vuxna",
        "Sommarjobb som inkörsport",
        "haparanda",
        "pilot",
        ("visit", "consider"),
        "WP2",
        "physical",
        "measured",
        P,
        ("sommarjobb", "unga"),
        "Unga vuxna som sommarjobbat i kommunen återkom oftare som invånare.",
        "Vi erbjöd boende och fritidsaktiviteter till tio sommarjobbare från andra regioner.",
        "Tre av tio sökte fast jobb i kommunen inom ett år, mot en av tjugo tidigare år.",
        "Koppla ihop sommarjobbet med föreningslivet: det är där vänskapen uppstår.",
    ),
    DemoLesson(
        "samiska-perspektiv-i-marknadsforing",
        "Samiska perspektiv i marknadsföringen",
        "jokkmokk",
        "workshop",
        ("discover",),
        "WP1",
        "profile",
        "observed",
        P,
        ("samisk kultur", "profilering"),
        "Bilder och berättelser tagna fram tillsammans med samiska föreningar upplevdes som mer trovärdiga.",
        "En tjänstedesignworkshop med föreningar, företag och kommun tog fram berättelserna.",
        "Testpersoner valde de gemensamt framtagna berättelserna framför byråns förslag.",
        "Låt föreningarna äga sina berättelser och fråga innan ni använder dem.",
    ),
    DemoLesson(
        "distansarbete-coworking-by",
        "Coworking i byn håller kvar distansarbetare",
        "arjeplog",
        "pilot",
        ("settle", "stay"),
        "WP3",
        "physical",
        "observed",
        PA,
        ("distansarbete", "coworking"),
        "En enkel coworkingyta i byn gjorde att distansarbetare stannade längre än planerat.",
        "Kommunen hyrde en lokal i sex månader och bjöd in alla som arbetade hemifrån.",
        "Fjorton personer använde lokalen regelbundet; fyra förlängde sin vistelse.",
        "Kaffe och en gemensam lunch i veckan betyder mer än snabb uppkoppling.",
    ),
    DemoLesson(
        "annonser-till-aterkommande-besokare",
        "Återkommande besökare svarar på annonser",
        "kiruna",
        "campaign-ab",
        ("discover", "consider"),
        "WP1",
        "marketing",
        "measured",
        IN,
        ("kampanj", "besökare"),
        "Annonser riktade till tidigare besökare gav fler klick på flyttguiden än breda kampanjer.",
        "A/B-test mellan målgruppen tidigare besökare och en bred målgrupp, samma budget.",
        "Klickfrekvensen var 2,4 gånger högre bland tidigare besökare.",
        "Samarbeta med destinationsbolaget om målgruppen, inom samtyckets ramar.",
    ),
    DemoLesson(
        "flyttlots-en-kontaktperson",
        "En kontaktperson hela vägen",
        "alvsbyn",
        "service-safari",
        ("move", "settle"),
        "WP1",
        "physical",
        "observed",
        P,
        ("flyttlots", "mottagande"),
        "Nyinflyttade vill ha en namngiven person att fråga, inte en växel.",
        "Tjänstesafarin visade att frågor bollades mellan fem förvaltningar.",
        "Med en flyttlots besvarades nio av tio frågor inom ett dygn.",
        "Ge flyttlotsen mandat att ringa vidare internt i stället för att hänvisa.",
    ),
    DemoLesson(
        "foreningsmasa-for-nya",
        "Föreningsmässa för nyinflyttade",
        "kalix",
        "pilot",
        ("settle", "stay"),
        "WP1",
        "physical",
        "anecdote",
        P,
        ("föreningsliv", "nätverk"),
        "En kväll där föreningarna visade upp sig gav nyinflyttade en väg in i bygden.",
        "Vi bjöd in alla som flyttat in det senaste året till en föreningsmässa i sporthallen.",
        "Ett sextiotal besökare; flera föreningar fick nya medlemmar samma kväll.",
        "Håll mässan på hösten när föreningarna drar igång säsongen.",
    ),
    DemoLesson(
        "tornedalen-sprakkurs",
        "Meänkieli som välkomstgest",
        "overtornea",
        "workshop",
        ("settle",),
        "WP1",
        "profile",
        "anecdote",
        PA,
        ("meänkieli", "språk"),
        "En kort kurs i vardagsfraser på meänkieli uppskattades av nyinflyttade.",
        "Tillsammans med hembygdsföreningen ordnades tre kvällar med fraser och fika.",
        "Deltagarna berättade att de kände sig mer välkomna i byarna.",
        "Gör det lättsamt; målet är gemenskap, inte språkkunskap.",
    ),
    DemoLesson(
        "energi-kapacitet-nya-bostader",
        "Elkapaciteten styr var bostäder kan byggas",
        None,
        "workshop",
        ("decide",),
        "WP4",
        "physical",
        "observed",
        IN,
        ("energi", "bostäder"),
        "Planerade bostadsområden behöver tidig dialog med nätägaren om kapacitet.",
        "En workshop med nätägare och planerare från fyra kommuner gick igenom planerade områden.",
        "Två av sju områden behövde ny transformatorstation före byggstart.",
        "Ta in nätägaren redan i översiktsplanen.",
    ),
    DemoLesson(
        "matchning-vard-och-skola",
        "Matchning mot vård och skola",
        None,
        "interviews",
        ("consider", "decide"),
        "WP2",
        "digital",
        "measured",
        PA,
        ("kompetens", "matchning"),
        "Intresserade inom vård och skola behöver en direkt kontakt till en chef, inte en annons.",
        "Vi ringde upp personer som laddat ner flyttguiden och angett vård eller skola.",
        "Var femte samtal ledde till ett möte med en rekryterande chef.",
        "Håll listan över kontaktbara chefer aktuell varje månad.",
    ),
    DemoLesson(
        "fysisk-planering-tomter",
        "Attraktiva tomter behöver synas",
        "arvidsjaur",
        "campaign-ab",
        ("consider",),
        "WP3",
        "marketing",
        "measured",
        P,
        ("tomter", "bostäder"),
        "Lediga tomter med sjöutsikt fick fler förfrågningar när de visades med bilder och karta.",
        "Vi testade tomtlistan mot en bildbaserad karta på kommunens webbplats.",
        "Förfrågningarna ökade från två till nio per månad.",
        "Visa avståndet till skola och affär direkt på kartan.",
    ),
    DemoLesson(
        "pajala-prova-pa-sommar",
        "Prova-på fungerar även på sommaren",
        "pajala",
        "test-week",
        ("visit",),
        "WP1",
        "physical",
        "evaluated",
        P,
        ("prova-på", "sommar"),
        "Sommarens testveckor lockade andra målgrupper än vinterns, främst barnfamiljer.",
        "Samma upplägg som Kirunas testvecka, men i juli med fokus på friluftsliv.",
        "Åtta familjer deltog; två har flyttat, en tredje planerar flytt.",
        "Boka boende tidigt; sommaren konkurrerar med turismen.",
    ),
    DemoLesson(
        "regional-flyttportal",
        "En gemensam ingång för hela länet",
        None,
        "hackathon",
        ("discover", "consider"),
        "WP1",
        "digital",
        "anecdote",
        IN,
        ("webb", "samverkan"),
        "Besökare förstår inte kommungränser; de söker Norrbotten, inte en kommun.",
        "Ett hackathon tog fram en prototyp för en gemensam flyttportal.",
        "Användartester visade att prototypen var lättare att hitta i än kommunernas sidor.",
        "Börja med en gemensam startsida som länkar vidare, inte ett nytt system.",
    ),
    DemoLesson(
        "overkalix-stanna-kvar",
        "Att stanna kräver ett sammanhang",
        "overkalix",
        "interviews",
        ("stay",),
        "WP1",
        "physical",
        "observed",
        PA,
        ("stanna", "nätverk"),
        "De som flyttade igen inom två år saknade oftast ett socialt sammanhang, inte ett jobb.",
        "Intervjuer med tolv personer som flyttat från kommunen.",
        "Nio av tolv nämnde ensamhet som skäl.",
        "Följ upp nyinflyttade efter ett år, inte bara första månaden.",
    ),
]


@dataclass(frozen=True)
class DemoMethod:
    method: str
    title: str
    summary: str
    when: str
    steps: tuple[str, ...]
    time_cost: str
    pitfalls: str


METHODS: list[DemoMethod] = [
    DemoMethod(
        "design-sprint",
        "Designsprint på fem dagar",
        "Från problem till testad prototyp på en vecka.",
        "När ni har ett tydligt problem och behöver ett beslut snabbt.",
        (
            "Kartlägg problemet med experter",
            "Skissa lösningar var för sig",
            "Välj en lösning",
            "Bygg en prototyp",
            "Testa med fem användare",
        ),
        "Fem dagar för fyra till sju personer; låg extern kostnad.",
        "Utan en beslutsfattare i rummet blir det ingen riktning.",
    ),
    DemoMethod(
        "service-safari",
        "Tjänstesafari",
        "Upplev kommunens service som en nyinflyttad gör.",
        "När ni misstänker att mottagandet brister men inte vet var.",
        (
            "Välj tre personas",
            "Gå igenom flytten steg för steg",
            "Dokumentera varje hinder",
            "Prioritera tillsammans",
        ),
        "Två dagar för tre personer, ingen extern kostnad.",
        "Teamet känner redan systemen; ta med någon utifrån.",
    ),
    DemoMethod(
        "test-week",
        "Testvecka – prova-på-boende",
        "Låt intresserade bo och arbeta på orten en vecka.",
        "När många är intresserade men tvekar inför beslutet.",
        (
            "Säkra boende och arbetsplats",
            "Rekrytera lokala värdar",
            "Sätt ihop programmet",
            "Följ upp efter tre månader",
        ),
        "Sex till åtta veckors förberedelse; boende är den största kostnaden.",
        "Ett för tätt program lämnar ingen tid att känna efter.",
    ),
    DemoMethod(
        "hackathon",
        "Hackathon",
        "Många idéer och prototyper på kort tid, med studenter och utvecklare.",
        "När ni behöver nya digitala idéer och har data eller ett tydligt problem att dela.",
        (
            "Formulera utmaningen",
            "Bjud in deltagare och mentorer",
            "Genomför under 24–48 timmar",
            "Utse förvaltare av vinnande idé",
        ),
        "Två dagar plus förberedelser; mat och lokal.",
        "Utan förvaltare efteråt försvinner prototyperna.",
    ),
    DemoMethod(
        "campaign-ab",
        "Kampanjtest (A/B)",
        "Jämför två budskap eller målgrupper med samma budget.",
        "När ni ska lägga pengar på marknadsföring och vill veta vad som fungerar.",
        (
            "Formulera en hypotes",
            "Ta fram två varianter",
            "Kör parallellt med samma budget",
            "Jämför mot en baslinje",
        ),
        "Fyra till sex veckor; annonsbudgeten.",
        "För små grupper ger slumpmässiga skillnader.",
    ),
    DemoMethod(
        "interviews",
        "Intervjuer med nyinflyttade",
        "Förstå varför människor flyttar hit, stannar eller flyttar igen.",
        "I början av ett arbete, innan ni vet vilka frågor som är viktiga.",
        (
            "Välj vilka ni ska prata med",
            "Skriv en samtalsguide",
            "Genomför 8–15 intervjuer",
            "Sortera citat i teman",
        ),
        "Tre till fyra veckor för en person.",
        "Ledande frågor ger de svar ni redan trodde på.",
    ),
    DemoMethod(
        "workshop",
        "Tjänstedesignworkshop",
        "Samla alla som möter inflyttare och designa tjänsten tillsammans.",
        "När flera förvaltningar och företag delar på ansvaret för mottagandet.",
        ("Bjud in alla aktörer", "Rita den nyinflyttades resa", "Hitta glappen", "Bestäm vem som gör vad"),
        "En halv till en dag plus förberedelser.",
        "Utan uppföljning blir det bara ett trevligt möte.",
    ),
    DemoMethod(
        "pilot",
        "Pilot i liten skala",
        "Prova en idé skarpt, men litet och tidsbegränsat.",
        "När idén är testad som prototyp och ska prövas i verkligheten.",
        (
            "Bestäm vad som ska mätas",
            "Avgränsa målgrupp och tid",
            "Genomför",
            "Utvärdera och besluta om fortsättning",
        ),
        "Tre till sex månader; beror på idén.",
        "En pilot utan beslutspunkt blir permanent utan att ha utvärderats.",
    ),
]


def _html(text: str) -> str:
    return f"<p>{text}</p>"


def _terms() -> dict[str, dict[str, Any]]:
    return {
        "municipalities": {m.slug: m for m in Municipality.objects.all()},
        "wps": {w.code: w for w in WorkPackage.objects.all()},
        "chain": {c.code: c for c in ValueChainStep.objects.all()},
        "phases": {p.code: p for p in RelocationPhase.objects.all()},
        "methods": {m.code: m for m in SprintMethod.objects.all()},
    }


def _publish_as(coordinator: Any, lesson: LessonPage) -> None:
    lesson.save_revision(user=coordinator)
    services.lesson_publish(user=coordinator, lesson=lesson)


def _promoted_lessons(*, coordinator: Any, leads: dict[str, Any], today: datetime.date) -> int:
    """Lessons promoted from finished demo sprints, the real way (as the lead), then published by the team."""
    created = 0
    finished = (
        Sprint.objects.filter(status__in=FINISHED_STATUSES, retrospective__isnull=False)
        .select_related("municipality")
        .order_by("pk")
    )
    for number, sprint in enumerate(finished):
        if LessonPage.objects.filter(source_sprint=sprint).exists():
            continue
        lead = leads.get(f"lead-{sprint.municipality.slug}")
        if lead is None:
            continue
        with transaction.atomic():
            lesson = services.lesson_promote_from_sprint(user=lead, sprint=sprint)
            lesson.visibility = VISIBILITIES[number % 3]
            lesson.context = f"{lesson.context}{SYNTHETIC}"
            lesson.tags.set(["från sprint", sprint.method.label_sv.lower()])
            # Some reviews fall due so that "my reviews" and the weekly reminder have something to show.
            lesson.review_by = (
                today - datetime.timedelta(days=10) if number % 4 == 0 else today.replace(year=today.year + 1)
            )
            _publish_as(coordinator, lesson)
        created += 1
    return created


def _crafted_lessons(
    *, coordinator: Any, leads: dict[str, Any], terms: dict[str, dict[str, Any]], today: datetime.date
) -> int:
    created = 0
    index = knowledge_index()
    assert index is not None
    for number, spec in enumerate(LESSONS):
        if KnowledgePage.objects.filter(slug=spec.slug).exists():
            continue
        municipality = terms["municipalities"].get(spec.municipality or "")
        author = leads.get(f"lead-{municipality.slug}") if municipality else coordinator
        with transaction.atomic():
            sprint = (
                Sprint.objects.filter(municipality=municipality, method__code=spec.method)
                .order_by("pk")
                .first()
                if municipality
                else None
            )
            lesson = services.lesson_create_draft(
                user=author or coordinator,
                title=spec.title,
                slug=spec.slug,
                municipality=municipality,
                summary=_html(spec.summary),
                context=_html(spec.summary) + SYNTHETIC,
                what_we_did=_html(spec.did),
                result=_html(spec.result),
                advice=_html(spec.advice),
                evidence=spec.evidence,
                work_package=terms["wps"][spec.work_package],
                value_chain_step=terms["chain"][spec.value_chain],
                relocation_phases=[terms["phases"][code] for code in spec.phases],
                method=terms["methods"][spec.method],
                tags=list(spec.tags),
                visibility=spec.visibility,
                review_by=today - datetime.timedelta(days=3)
                if number % 5 == 0
                else today.replace(year=today.year + 1),
                date=today - datetime.timedelta(days=20 * (number + 1)),
                source_sprint=sprint,
            )
            _publish_as(coordinator, lesson)
        created += 1
    return created


def _method_cards(*, coordinator: Any, terms: dict[str, dict[str, Any]]) -> int:
    index = knowledge_index()
    assert index is not None
    created = 0
    for spec in METHODS:
        slug = f"metod-{spec.method}"
        if KnowledgePage.objects.filter(slug=slug).exists():
            continue
        with transaction.atomic():
            card = MethodCardPage(
                title=spec.title,
                slug=slug,
                owner=coordinator,
                visibility=Visibility.PUBLIC,
                method=terms["methods"][spec.method],
                summary=_html(spec.summary) + SYNTHETIC,
                when_to_use=_html(spec.when),
                steps="<ol>" + "".join(f"<li>{step}</li>" for step in spec.steps) + "</ol>",
                time_and_cost=_html(spec.time_cost),
                pitfalls=_html(spec.pitfalls),
                live=False,
            )
            card.tags.set(["metod"])
            index.add_child(instance=card)
            card.save_revision(user=coordinator).publish(user=coordinator)
        created += 1
    return created


def _meetings(*, coordinator: Any, terms: dict[str, dict[str, Any]], today: datetime.date) -> int:
    index = knowledge_index()
    assert index is not None
    municipalities = list(terms["municipalities"].values())
    specs = [
        (
            "erfarenhetsutbyte-testveckor",
            "Erfarenhetsutbyte: testveckor och mottagande",
            today - datetime.timedelta(days=120),
            Visibility.PARTNERS,
            "Testveckor i Kiruna och Pajala",
            "Kiruna och Pajala delade sina upplägg. Boende är den gemensamma flaskhalsen.",
            "Ett gemensamt metodkort för testveckor tas fram.",
            ("visit",),
        ),
        (
            "erfarenhetsutbyte-kompetens",
            "Erfarenhetsutbyte: medföljande och kompetens",
            today - datetime.timedelta(days=40),
            Visibility.INTERNAL,
            "Medföljande partner; matchning mot vård och skola",
            "Luleå berättade om flyttlotsen för medföljande. Flera kommuner vill prova.",
            "Tre kommuner startar sprintar om medföljande under våren.",
            ("decide", "settle"),
        ),
        (
            "erfarenhetsutbyte-nasta",
            "Erfarenhetsutbyte: att stanna kvar",
            today + datetime.timedelta(days=30),
            Visibility.PARTNERS,
            "Vad får nyinflyttade att stanna?",
            "",
            "",
            ("stay",),
        ),
    ]
    created = 0
    lessons = list(LessonPage.objects.live().order_by("pk"))
    for number, (slug, title, date, visibility, agenda, notes, decisions, phases) in enumerate(specs):
        if KnowledgePage.objects.filter(slug=slug).exists():
            continue
        with transaction.atomic():
            meeting = ExchangeMeetingPage(
                title=title,
                slug=slug,
                owner=coordinator,
                date=date,
                visibility=visibility,
                summary=_html(f"Digitalt erfarenhetsutbyte för projektledarna. {agenda}.") + SYNTHETIC,
                agenda=f"<ol><li>{agenda}</li><li>Läget i kommunernas sprintar</li><li>Nästa steg</li></ol>",
                notes=_html(notes) if notes else "",
                decisions=_html(decisions) if decisions else "",
                live=False,
            )
            meeting.participating_municipalities.set(
                municipalities[number * 4 : number * 4 + 8] or municipalities
            )
            meeting.linked_lessons.set(lessons[number * 3 : number * 3 + 3])
            meeting.relocation_phases.set([terms["phases"][code] for code in phases])
            meeting.tags.set(["erfarenhetsutbyte"])
            index.add_child(instance=meeting)
            meeting.save_revision(user=coordinator).publish(user=coordinator)
        created += 1
    return created


def seed(*, stdout: Any) -> None:
    """Create the demo knowledge that does not exist yet (run after the demo users and sprints)."""
    User = get_user_model()
    coordinator = User.objects.filter(username="coordinator").first()
    if coordinator is None or knowledge_index() is None:
        stdout.write("Skipped demo knowledge: no user 'coordinator' or no knowledge index.")
        return
    leads = {user.username: user for user in User.objects.filter(username__startswith="lead-")}
    terms = _terms()
    today = timezone.localdate()
    promoted = _promoted_lessons(coordinator=coordinator, leads=leads, today=today)
    crafted = _crafted_lessons(coordinator=coordinator, leads=leads, terms=terms, today=today)
    cards = _method_cards(coordinator=coordinator, terms=terms)
    meetings = _meetings(coordinator=coordinator, terms=terms, today=today)
    stdout.write(
        f"Demo knowledge: {promoted + crafted} lessons ({promoted} from sprints), {cards} method cards, "
        f"{meetings} exchange meetings created; {LessonPage.objects.count()} lessons in total."
    )
