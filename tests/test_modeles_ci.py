"""Les modèles de CI de ``ci/`` et le crochet ``.pre-commit-hooks.yaml`` : ils se lisent, leurs
commandes ``cdv-regles`` existent et acceptent leurs options, et ils font ce qu'ils promettent
quand on les exécute sur le classeur exemple.

Les scripts des modèles sont exécutés par bash tels qu'ils sont écrits : une première fois avec
``cdv-regles`` remplacé par une fonction qui note ses arguments (toutes les commandes, installation
comprise), puis pour de vrai, sans l'installation, avec la commande de cet environnement.
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
python() { :; }
"""


def executer(script: str, env: dict[str, str], dossier: Path, *, a_blanc: bool) -> subprocess.CompletedProcess:
    """Lance ``script`` comme GitHub et GitLab (bash, -e, pipefail), dans ``dossier``."""
    chemin = dossier / "etape.sh"
    chemin.write_text((ENREGISTREUR if a_blanc else "") + script, encoding="utf-8")
    env_complet = {**os.environ, **{k: str(v) for k, v in env.items()},
                   "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env_complet.pop("CDV_REGLES_DESACTIVER", None)
    return subprocess.run([BASH, "--noprofile", "--norc", "-eo", "pipefail", str(chemin)], cwd=dossier,
                          env=env_complet, capture_output=True, text=True, encoding="utf-8", check=False)


def commandes_notees(trace: Path) -> list[list[str]]:
    return [ligne.split("\x1f")[:-1] for ligne in trace.read_text(encoding="utf-8").splitlines()]


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
    for s in scripts:
        p = executer(s, {**env, "TRACE": str(trace), "GITHUB_STEP_SUMMARY": str(resume)}, tmp_path, a_blanc=True)
        assert p.returncode == 0, p.stderr
    notees = commandes_notees(trace)
    assert [c[0] for c in notees] == ["plugins", "verifier", "verifier", "verifier"]
    formats = {}
    for argv in notees:
        ctx = valider(argv)
        if argv[0] == "verifier":
            assert ctx.params["millesime"] == int(env["MILLESIME"])
            assert ctx.params["date_reference"].isoformat() == env["DATE_REFERENCE"]
            assert str(ctx.params["fichier"]) == env["CLASSEUR"]
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
    p = executer(etape["run"], {**env, "DATE_REFERENCE": "", "TRACE": str(trace),
                                "GITHUB_STEP_SUMMARY": str(tmp_path / "r.md")}, tmp_path, a_blanc=True)
    assert p.returncode == 0, p.stderr
    dates = {valider(argv).params["date_reference"] for argv in commandes_notees(trace)}
    assert dates <= {avant, dt.date.today()} and len(dates) == 1


def test_gitlab_commandes_valides(tmp_path: Path) -> None:
    job = job_gitlab()
    trace = tmp_path / "trace"
    for partie in ("before_script", "script"):
        p = executer("\n".join(job[partie]), {**job["variables"], "TRACE": str(trace)}, tmp_path, a_blanc=True)
        assert p.returncode == 0, p.stderr
    notees = commandes_notees(trace)
    assert [c[0] for c in notees] == ["plugins", "verifier", "verifier", "verifier"]
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


@pytest.fixture
def depot_classeur(tmp_path: Path) -> Path:
    """Un dossier de travail comme celui de la CI : le classeur exemple à l'endroit du modèle."""
    assert EXEMPLE.is_file(), f"classeur exemple absent : {EXEMPLE}"
    cible = tmp_path / "classeurs" / EXEMPLE.name
    cible.parent.mkdir()
    shutil.copy(EXEMPLE, cible)
    return tmp_path


def test_github_sur_le_classeur_exemple(depot_classeur: Path) -> None:
    env, etapes = etapes_github()
    (etape,) = [e for e in etapes if "--format github" in e.get("run", "")]
    resume = depot_classeur / "resume.md"
    p = executer(etape["run"], {**env, "GITHUB_STEP_SUMMARY": str(resume), "GITHUB_WORKSPACE": str(depot_classeur)},
                 depot_classeur, a_blanc=False)
    assert p.returncode == 1, p.stderr  # rouge : le classeur exemple a des constats bloquants
    rapport = depot_classeur / "rapports" / "cdv-regles.xml"
    assert bloquants_junit(rapport) == attendus("bloquant")
    erreurs = [x for x in p.stdout.splitlines() if x.startswith("::error ")]
    assert len(erreurs) == len(attendus("bloquant"))
    assert all(x.startswith(f"::error file={env['CLASSEUR']},line=") for x in erreurs)
    assert len([x for x in p.stdout.splitlines() if x.startswith("::warning ")]) == len(attendus("alerte"))
    md = resume.read_text(encoding="utf-8")
    assert md.startswith(f"## Tableau de programmation : {EXEMPLE.name}")
    assert f"❌ **{len(attendus('bloquant'))} constats bloquants**" in md


def test_github_vert_sans_bloquant(depot_classeur: Path) -> None:
    # Un tableau en règle (le dossier type) à la place de l'exemple : l'étape passe.
    import openpyxl

    from cdv_regles.exemples import table_exemple
    from cdv_regles.verification import preparer

    catalogue = preparer(2023)[1]
    table = table_exemple({}, catalogue)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Programmation"
    ws.append(table.entetes)
    ws.append(table.lignes[0])
    wb.save(depot_classeur / "classeurs" / EXEMPLE.name)
    env, etapes = etapes_github()
    (etape,) = [e for e in etapes if "--format github" in e.get("run", "")]
    resume = depot_classeur / "resume.md"
    p = executer(etape["run"], {**env, "GITHUB_STEP_SUMMARY": str(resume)}, depot_classeur, a_blanc=False)
    assert p.returncode == 0, p.stdout + p.stderr
    assert not any(x.startswith("::error ") for x in p.stdout.splitlines())
    assert ET.parse(depot_classeur / "rapports" / "cdv-regles.xml").getroot().get("failures") == "0"
    assert "✅" in resume.read_text(encoding="utf-8")


def test_gitlab_sur_le_classeur_exemple(depot_classeur: Path) -> None:
    job = job_gitlab()
    p = executer("\n".join(job["script"]), job["variables"], depot_classeur, a_blanc=False)
    assert p.returncode == 1, p.stderr
    assert bloquants_junit(depot_classeur / job["artifacts"]["reports"]["junit"]) == attendus("bloquant")
    assert (depot_classeur / "rapports" / "cdv-regles.md").read_text(encoding="utf-8").startswith("## ")
    assert re.match(r"\d+ dossier\(s\) vérifié\(s\), \d+ constat\(s\)", p.stdout.rstrip().splitlines()[-1])


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
