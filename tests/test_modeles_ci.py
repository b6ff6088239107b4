"""Les modèles de CI de ``ci/`` et le crochet ``.pre-commit-hooks.yaml`` : ils se lisent, leurs
commandes ``cdv-regles`` existent et acceptent leurs options, et ils font ce qu'ils promettent
quand on les exécute sur le classeur exemple.

Les scripts des modèles sont exécutés par bash tels qu'ils sont écrits : une première fois avec
``cdv-regles`` et ``python`` remplacés par des fonctions qui notent leurs arguments, puis pour de
vrai dans un dépôt git jetable qui ne contient que le classeur : l'étape d'installation installe la
publication (``outils/publier.py``, dossier local) dans un environnement neuf, et la vérification
tourne avec la commande ainsi installée, jamais avec celle du dépôt.
``pre-commit`` (dépendance de test) installe et lance le crochet dans un petit dépôt git.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import click
import pytest
import yaml

from cdv_regles.cli import cdv_regles

DEPOT = Path(__file__).resolve().parents[1]
WORKFLOW = DEPOT / "ci" / "github" / "verifier-programmation.yml"
GITLAB = DEPOT / "ci" / "gitlab" / "verifier-programmation.gitlab-ci.yml"
CROCHETS = DEPOT / ".pre-commit-hooks.yaml"
EXEMPLE = DEPOT / "classeurs" / "exemple-programmation-2023.xlsx"
ATTENDUS = DEPOT / "outils" / "exemple-2023-attendus.yaml"
BIN = Path(sys.executable).parent  # là où l'installation a mis la commande cdv-regles
BASH = shutil.which("bash")

pytestmark = pytest.mark.skipif(BASH is None, reason="bash absent : les scripts des modèles ne peuvent pas tourner")


def charger(chemin: Path) -> object:
    return yaml.safe_load(chemin.read_text(encoding="utf-8"))


def valider(argv: list[str]) -> click.Context:
    """Analyse une ligne de commande comme le ferait ``cdv-regles`` : sous-commande, options, valeurs."""
    ctx = cdv_regles.make_context("cdv-regles", list(argv[:1]))
    nom, commande, reste = cdv_regles.resolve_command(ctx, list(argv))
    assert commande is not None, f"commande inconnue : {argv}"
    return commande.make_context(nom, reste, parent=ctx)


# --- Les modèles, vus comme des scripts -------------------------------------------------------

def workflow() -> dict:
    wf = charger(WORKFLOW)
    assert isinstance(wf, dict)
    return wf


def etapes_github() -> tuple[dict[str, str], list[dict]]:
    wf = workflow()
    (job,) = wf["jobs"].values()
    return {**wf.get("env", {}), **job.get("env", {})}, job["steps"]


def job_gitlab() -> dict:
    donnees = charger(GITLAB)
    assert isinstance(donnees, dict)
    (job,) = [v for k, v in donnees.items() if isinstance(v, dict) and "script" in v]
    return job


ENREGISTREUR = """
cdv-regles() { printf '%s\\037' "$@" >> "$TRACE"; printf '\\n' >> "$TRACE"; }
python() { printf '%s\\037' "$@" >> "$TRACE.python"; printf '\\n' >> "$TRACE.python"; }
"""
#: Les réglages obligatoires (vides dans les modèles), tels qu'une équipe les remplirait.
REGLAGES = {"CLASSEUR": "classeurs/programmation-2023.xlsm", "CDV_REGLES_SOURCE": "outils/cdv-regles-publication"}


def executer(script: str, env: dict[str, str], dossier: Path, *, a_blanc: bool,
             chemins: Path | None = None) -> subprocess.CompletedProcess:
    """Lance ``script`` comme GitHub et GitLab (bash, -e, pipefail), dans ``dossier``. Pour de vrai,
    ``chemins`` est le dossier ``bin`` de l'environnement installé, mis en tête du PATH à la place
    de celui de ce dépôt."""
    chemin = dossier.parent / f"etape-{dossier.name}.sh"
    chemin.write_text((ENREGISTREUR if a_blanc else "") + script, encoding="utf-8")
    ailleurs = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d and Path(d) != BIN]
    env_complet = {**{k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CDV_REGLES_DESACTIVER")},
                   **{k: str(v) for k, v in env.items()},
                   "PATH": os.pathsep.join([str(chemins or BIN), *ailleurs])}
    return subprocess.run([BASH, "--noprofile", "--norc", "-eo", "pipefail", str(chemin)], cwd=dossier,
                          env=env_complet, capture_output=True, text=True, encoding="utf-8", check=False)


def commandes_notees(trace: Path) -> list[list[str]]:
    return [ligne.split("\x1f")[:-1] for ligne in trace.read_text(encoding="utf-8").splitlines()]


def verifier_installation(trace: Path, source: str) -> None:
    """Les deux pip install : paquets publics aux empreintes de la publication, puis les nôtres
    depuis la publication seulement (aucun index : personne ne peut glisser un paquet du même nom)."""
    publics, notres = commandes_notees(Path(f"{trace}.python"))
    assert publics[:3] == ["-m", "pip", "install"] and notres[:3] == ["-m", "pip", "install"]
    assert publics[-3:] == ["--require-hashes", "-r", f"{source}/dependances.txt"]
    assert notres[-4:] == ["--no-index", "--find-links", source, "cdv-regles-valenciennes"]


def test_les_fichiers_se_lisent() -> None:
    wf = workflow()
    declencheurs = wf.get("on", wf.get(True))  # YAML 1.1 : la clé « on » se lit True
    assert {"push", "pull_request"} <= set(declencheurs)
    assert job_gitlab()["artifacts"]["reports"]["junit"]
    crochets = charger(CROCHETS)
    assert isinstance(crochets, list) and [c["id"] for c in crochets] == ["cdv-regles-verifier"]


def test_github_commandes_valides(tmp_path: Path) -> None:
    env, etapes = etapes_github()
    scripts = [e["run"] for e in etapes if "run" in e]
    assert any("--format github" in s for s in scripts)
    trace = tmp_path / "trace"
    resume = tmp_path / "resume.md"
    assert env["CLASSEUR"] == "" and env["CDV_REGLES_SOURCE"] == ""  # à régler : aucun défaut trompeur
    for s in scripts:
        p = executer(s, {**env, **REGLAGES, "TRACE": str(trace), "GITHUB_STEP_SUMMARY": str(resume)}, tmp_path,
                     a_blanc=True)
        assert p.returncode == 0, p.stderr
    verifier_installation(trace, REGLAGES["CDV_REGLES_SOURCE"])
    notees = commandes_notees(trace)
    assert [c[0] for c in notees] == ["greffons", "verifier", "verifier", "verifier"]
    formats = {}
    for argv in notees:
        ctx = valider(argv)
        if argv[0] == "verifier":
            assert ctx.params["millesime"] == int(env["MILLESIME"])
            assert ctx.params["date_reference"].isoformat() == env["DATE_REFERENCE"]
            assert str(ctx.params["fichier"]) == REGLAGES["CLASSEUR"]
            formats[ctx.params["format_"]] = ctx.params["sortie"]
    assert sorted(formats) == ["github", "junit", "markdown"]
    assert formats["github"] is None  # les annotations vont dans le journal
    # Le rapport JUnit publié est celui que la commande écrit.
    (publier,) = [e for e in etapes if str(e.get("uses", "")).startswith("actions/upload-artifact")]
    assert formats["junit"].parent.as_posix() + "/" == publier["with"]["path"]
    assert publier["if"] == "${{ !cancelled() }}"


def test_date_du_jour_si_date_vide(tmp_path: Path) -> None:
    """Le choix documenté : DATE_REFERENCE vide → date du jour, passée explicitement."""
    import datetime as dt

    env, etapes = etapes_github()
    (etape,) = [e for e in etapes if "--format github" in e.get("run", "")]
    trace = tmp_path / "trace"
    avant = dt.date.today()
    p = executer(etape["run"], {**env, **REGLAGES, "DATE_REFERENCE": "", "TRACE": str(trace),
                                "GITHUB_STEP_SUMMARY": str(tmp_path / "r.md")}, tmp_path, a_blanc=True)
    assert p.returncode == 0, p.stderr
    dates = {valider(argv).params["date_reference"] for argv in commandes_notees(trace)}
    assert dates <= {avant, dt.date.today()} and len(dates) == 1


def test_gitlab_commandes_valides(tmp_path: Path) -> None:
    job = job_gitlab()
    assert job["variables"]["CLASSEUR"] == "" and job["variables"]["CDV_REGLES_SOURCE"] == ""
    trace = tmp_path / "trace"
    for partie in ("before_script", "script"):
        p = executer("\n".join(job[partie]), {**job["variables"], **REGLAGES, "TRACE": str(trace)}, tmp_path,
                     a_blanc=True)
        assert p.returncode == 0, p.stderr
    verifier_installation(trace, REGLAGES["CDV_REGLES_SOURCE"])
    notees = commandes_notees(trace)
    assert [c[0] for c in notees] == ["greffons", "verifier", "verifier", "verifier"]
    junit = [valider(a) for a in notees if a[0] == "verifier" and "junit" in a]
    assert len(junit) == 1 and str(junit[0].params["sortie"]) == job["artifacts"]["reports"]["junit"]
    assert job["artifacts"]["when"] == "always"
    for argv in notees[1:]:
        assert valider(argv).params["millesime"] == int(job["variables"]["MILLESIME"])


# --- Pour de vrai, sur le classeur exemple ----------------------------------------------------

def attendus(gravite: str, partenaire: str | None = None) -> set[tuple[str | None, str]]:
    """Les constats attendus du classeur exemple (outils/exemple-2023-attendus.yaml)."""
    donnees = charger(ATTENDUS)
    return {(c["dossier"], c["regle"]) for c in donnees["constats"]
            if c["gravite"] == gravite and partenaire in (None, c["partenaire"])}


def bloquants_junit(rapport: Path) -> set[tuple[str | None, str]]:
    """(dossier, règle) de chaque constat bloquant des cas en échec du rapport JUnit."""
    vus = set()
    for cas in ET.parse(rapport).getroot().iter("testcase"):
        echec = cas.find("failure")
        if echec is None:
            continue
        m = re.fullmatch(r"Dossier (.*) \(ligne \d+\)", cas.get("classname", ""))
        dossier = m[1] if m else None
        vus |= {(dossier, r) for r in re.findall(r"^BLOQUANT (\S+)", echec.text or "", re.MULTILINE)}
    return vus


def test_un_reglage_obligatoire_vide_arrete_avec_un_message_clair(tmp_path: Path) -> None:
    env, etapes = etapes_github()
    installer, verifier = [e["run"] for e in etapes if "run" in e]
    job = job_gitlab()
    cas = [(installer, env, "CDV_REGLES_SOURCE"), (verifier, env, "CLASSEUR"),
           ("\n".join(job["before_script"]), job["variables"], "CDV_REGLES_SOURCE"),
           ("\n".join(job["script"]), job["variables"], "CLASSEUR")]
    for script, variables, vide in cas:
        trace = tmp_path / f"trace-{vide}"
        p = executer(script, {**variables, **REGLAGES, vide: "", "TRACE": str(trace),
                              "GITHUB_STEP_SUMMARY": str(tmp_path / "r.md")}, tmp_path, a_blanc=True)
        assert p.returncode == 2, (vide, p.stdout, p.stderr)
        assert re.search(rf"[Rr]églez (la variable )?{vide}\b", p.stdout + p.stderr), (vide, p.stdout, p.stderr)
        assert not trace.exists() and not Path(f"{trace}.python").exists()  # rien lancé avant le message


@pytest.fixture
def depot_classeur(tmp_path: Path) -> Path:
    """Un dépôt git jetable qui ne contient que le classeur (l'exemple, à l'endroit réglé)."""
    assert EXEMPLE.is_file(), f"classeur exemple absent : {EXEMPLE}"
    depot = tmp_path / "equipe"
    (depot / "classeurs").mkdir(parents=True)
    shutil.copy(EXEMPLE, depot / CLASSEUR_EQUIPE)
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
    for commande in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "Programmation 2023"]):
        subprocess.run(["git", *commande], cwd=depot, env=env, check=True)
    suivis = subprocess.run(["git", "ls-files"], cwd=depot, capture_output=True, text=True, check=True).stdout
    assert suivis.split() == [CLASSEUR_EQUIPE]
    return depot


#: Le classeur du dépôt jetable : l'exemple, sous un nom d'équipe.
CLASSEUR_EQUIPE = "classeurs/programmation-2023.xlsx"


def rendre_propre(classeur: Path) -> None:
    """Retire du classeur les dossiers aux défauts délibérés (bloquants et alertes attendus)."""
    import openpyxl

    defauts = {c["dossier"] for c in charger(ATTENDUS)["constats"] if c["gravite"] in ("bloquant", "alerte")}
    wb = openpyxl.load_workbook(classeur)
    ws = wb["Programmation"]
    lignes = [c.row for c in ws["A"][1:] if c.value in defauts]
    assert len(lignes) == len(defauts)
    for ligne in sorted(lignes, reverse=True):
        ws.delete_rows(ligne)
    (tableau,) = ws.tables.values()
    tableau.ref = f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}"
    if tableau.autoFilter is not None:
        tableau.autoFilter.ref = tableau.ref
    wb.save(classeur)


def installer_comme_la_ci(script: str, env: dict[str, str], environnement: Path, dossier: Path) -> Path:
    """L'étape d'installation du modèle, pour de vrai : la publication dans l'environnement neuf."""
    p = executer(script, env, dossier, a_blanc=False, chemins=environnement / "bin")
    assert p.returncode == 0, p.stdout + p.stderr
    assert re.search(r"^\s*valenciennes-metropole\s", p.stdout, re.MULTILINE), p.stdout  # cdv-regles greffons
    assert (environnement / "bin" / "cdv-regles").is_file()
    return environnement / "bin"


@pytest.fixture(scope="module")
def installe_github(publication: Path, environnement_vierge, tmp_path_factory: pytest.TempPathFactory) -> Path:
    env, etapes = etapes_github()
    (etape,) = [e for e in etapes if e.get("name") == "Installer cdv-regles"]
    return installer_comme_la_ci(etape["run"], {**env, "CDV_REGLES_SOURCE": str(publication)},
                                 environnement_vierge("github", avec_tiers=publication),
                                 tmp_path_factory.mktemp("installation-github"))


@pytest.fixture(scope="module")
def installe_gitlab(publication: Path, environnement_vierge, tmp_path_factory: pytest.TempPathFactory) -> Path:
    job = job_gitlab()
    return installer_comme_la_ci("\n".join(job["before_script"]),
                                 {**job["variables"], "CDV_REGLES_SOURCE": str(publication)},
                                 environnement_vierge("gitlab", avec_tiers=publication),
                                 tmp_path_factory.mktemp("installation-gitlab"))


def lancer_github(depot: Path, chemins: Path) -> tuple[subprocess.CompletedProcess, str]:
    env, etapes = etapes_github()
    (etape,) = [e for e in etapes if "--format github" in e.get("run", "")]
    resume = depot.parent / "resume.md"
    p = executer(etape["run"], {**env, "CLASSEUR": CLASSEUR_EQUIPE, "GITHUB_STEP_SUMMARY": str(resume),
                                "GITHUB_WORKSPACE": str(depot)}, depot, a_blanc=False, chemins=chemins)
    return p, resume.read_text(encoding="utf-8") if resume.exists() else ""


@pytest.mark.lent
def test_github_depot_du_seul_classeur(depot_classeur: Path, installe_github: Path) -> None:
    p, md = lancer_github(depot_classeur, installe_github)
    assert p.returncode == 1, p.stdout + p.stderr  # rouge : le classeur exemple a des constats bloquants
    rapport = depot_classeur / "rapports" / "cdv-regles.xml"
    assert bloquants_junit(rapport) == attendus("bloquant")
    erreurs = [x for x in p.stdout.splitlines() if x.startswith("::error ")]
    assert len(erreurs) == len(attendus("bloquant"))
    assert all(x.startswith(f"::error file={CLASSEUR_EQUIPE},line=") for x in erreurs)
    assert len([x for x in p.stdout.splitlines() if x.startswith("::warning ")]) == len(attendus("alerte"))
    assert md.startswith("## Tableau de programmation : programmation-2023.xlsx")
    assert f"❌ **{len(attendus('bloquant'))} constats bloquants**" in md


@pytest.mark.lent
def test_github_vert_sans_bloquant(depot_classeur: Path, installe_github: Path) -> None:
    rendre_propre(depot_classeur / CLASSEUR_EQUIPE)
    p, md = lancer_github(depot_classeur, installe_github)
    assert p.returncode == 0, p.stdout + p.stderr
    assert not any(x.startswith(("::error ", "::warning ")) for x in p.stdout.splitlines())
    assert ET.parse(depot_classeur / "rapports" / "cdv-regles.xml").getroot().get("failures") == "0"
    assert "✅" in md


def lancer_gitlab(depot: Path, chemins: Path) -> subprocess.CompletedProcess:
    job = job_gitlab()
    return executer("\n".join(job["script"]), {**job["variables"], "CLASSEUR": CLASSEUR_EQUIPE}, depot,
                    a_blanc=False, chemins=chemins)


@pytest.mark.lent
def test_gitlab_depot_du_seul_classeur(depot_classeur: Path, installe_gitlab: Path) -> None:
    job = job_gitlab()
    p = lancer_gitlab(depot_classeur, installe_gitlab)
    assert p.returncode == 1, p.stdout + p.stderr
    assert bloquants_junit(depot_classeur / job["artifacts"]["reports"]["junit"]) == attendus("bloquant")
    assert (depot_classeur / "rapports" / "cdv-regles.md").read_text(encoding="utf-8").startswith("## ")
    assert re.match(r"\d+ dossier\(s\) vérifié\(s\), \d+ constat\(s\)", p.stdout.rstrip().splitlines()[-1])
    for dossier, regle in attendus("bloquant"):
        assert re.search(rf"Dossier {re.escape(dossier)} \(ligne \d+\)\n(  .*\n)*  BLOQUANT +{regle} ", p.stdout)


@pytest.mark.lent
def test_gitlab_vert_sans_bloquant(depot_classeur: Path, installe_gitlab: Path) -> None:
    rendre_propre(depot_classeur / CLASSEUR_EQUIPE)
    p = lancer_gitlab(depot_classeur, installe_gitlab)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "BLOQUANT" not in p.stdout and "ALERTE" not in p.stdout
    assert ET.parse(depot_classeur / "rapports" / "cdv-regles.xml").getroot().get("failures") == "0"


# --- Le crochet pre-commit --------------------------------------------------------------------

def crochet() -> dict:
    (c,) = charger(CROCHETS)
    return c


def test_crochet_declaration() -> None:
    c = crochet()
    assert c["language"] == "python"
    motif = re.compile(c["files"])
    for nom in ("prog.xlsx", "a/b/PROG.XLSM", "prog.ods", "export.csv"):
        assert motif.search(nom), nom
    for nom in ("prog.xls.bak", "notes.txt", "prog.xlsx.old"):
        assert not motif.search(nom), nom
    assert re.search(c["exclude"], "classeurs/~$prog.xlsx") and not re.search(c["exclude"], "prog.xlsx")


def test_crochet_lance_verifier_sur_chaque_fichier(tmp_path: Path) -> None:
    """L'entrée, exécutée comme pre-commit le fait (entrée + args + fichiers) dans un environnement
    où seul Python et cdv-regles sont installés."""
    c = crochet()
    entree = shlex.split(c["entry"])
    assert entree[:2] == ["python", "-c"]
    # Les commandes qu'elle lance : une par fichier, options transmises et valides.
    espion = tmp_path / "espion"
    espion.mkdir()
    (espion / "cdv_regles").mkdir()
    (espion / "cdv_regles" / "__init__.py").write_text("", encoding="utf-8")
    (espion / "cdv_regles" / "__main__.py").write_text(
        "import sys, os\nopen(os.environ['TRACE'], 'a', encoding='utf-8').write('\\x1f'.join(sys.argv[1:]) + '\\n')\n"
        "sys.exit(int(os.environ.get('STATUT', '0')))\n", encoding="utf-8")
    trace = tmp_path / "trace"
    args = ["--millesime=2023", "--date=2023-03-01"]
    env = {**os.environ, "PYTHONPATH": str(espion), "TRACE": str(trace), "STATUT": "1"}
    p = subprocess.run([sys.executable, *entree[1:], *args, "a.xlsx", "b.csv"], env=env, check=False)
    assert p.returncode == 1
    notees = [x.split("\x1f") for x in trace.read_text(encoding="utf-8").splitlines()]
    assert notees == [["verifier", *args, "a.xlsx"], ["verifier", *args, "b.csv"]]
    for argv in notees:
        ctx = valider(argv)
        assert ctx.params["millesime"] == 2023 and str(ctx.params["fichier"]) in ("a.xlsx", "b.csv")
    # Aucun fichier : rien à vérifier, succès.
    assert subprocess.run([sys.executable, *entree[1:], *args], env=env, check=False).returncode == 0


@pytest.fixture(scope="module")
def pre_commit() -> str:
    chemin = shutil.which("pre-commit", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if chemin is None:
        pytest.skip("pre-commit n'est pas installé (dépendance de test) : crochet non exécuté")
    return chemin


def test_crochet_pre_commit_pour_de_vrai(pre_commit: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """pre-commit installe l'outil depuis ce dépôt (commit courant) et vérifie les classeurs modifiés."""
    import openpyxl

    from cdv_regles.exemples import table_exemple
    from cdv_regles.verification import preparer

    if subprocess.run(["git", "-C", str(DEPOT), "rev-parse", "HEAD"], capture_output=True, check=False).returncode:
        pytest.skip("ce dossier n'est pas un dépôt git : pre-commit ne peut pas l'installer")
    rev = subprocess.run(["git", "-C", str(DEPOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                         check=True).stdout.strip()
    # L'environnement du crochet (l'outil et ses dépendances) est gardé d'un lancement à l'autre
    # pour le même commit seulement : un seul exemplaire sur le disque.
    cache = request.config.cache.mkdir("pre-commit") if request.config.cache else tmp_path / "pre-commit"
    repere = cache / "commit-cdv-regles"
    if not repere.is_file() or repere.read_text(encoding="utf-8") != rev:
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        repere.write_text(rev, encoding="utf-8")
    depot = tmp_path / "equipe"
    depot.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(cache), "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
    env.pop("VIRTUAL_ENV", None)
    env.pop("CDV_REGLES_DESACTIVER", None)

    def lancer(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(list(args), cwd=depot, env=env, capture_output=True, text=True,
                              encoding="utf-8", check=False)

    assert lancer("git", "init", "-q").returncode == 0
    (depot / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{
        "repo": str(DEPOT), "rev": rev,
        "hooks": [{"id": "cdv-regles-verifier", "args": ["--millesime=2023", "--date=2023-03-01"]}]}]}),
        encoding="utf-8")
    shutil.copy(EXEMPLE, depot / "exemple.xlsx")
    table = table_exemple({}, preparer(2023)[1])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Programmation"
    ws.append(table.entetes)
    ws.append(table.lignes[0])
    wb.save(depot / "propre.xlsx")
    (depot / "notes.txt").write_text("pas un tableau\n", encoding="utf-8")
    assert lancer("git", "add", ".").returncode == 0

    propre = lancer(pre_commit, "run", "cdv-regles-verifier", "--files", "propre.xlsx", "notes.txt")
    assert propre.returncode == 0, propre.stdout + propre.stderr
    assert "Passed" in propre.stdout
    tous = lancer(pre_commit, "run", "cdv-regles-verifier", "--verbose", "--files", "propre.xlsx", "exemple.xlsx",
                  "notes.txt")
    assert tous.returncode == 1, tous.stdout + tous.stderr
    assert "Failed" in tous.stdout
    assert "Vérification de exemple.xlsx" in tous.stdout and "Vérification de propre.xlsx" in tous.stdout
    assert "notes.txt" not in tous.stdout
    # Le crochet installe le socle (pas les greffons : voir ci/README.md) : ses bloquants y sont.
    socle = attendus("bloquant", "socle")
    assert socle
    for dossier, regle in socle:
        assert re.search(rf"Dossier {re.escape(dossier)} \(ligne \d+\)\n(  .*\n)*  BLOQUANT +{regle} ",
                         tous.stdout), (dossier, regle)
    assert "date de référence 01/03/2023" in tous.stdout
