"""Mesure le temps total et la mémoire de pointe de ``cdv-regles`` (et de frictionless, pour comparer).

    uv run python benchmarks/mesurer.py [--repetitions N] [--repetitions-grandes N] [--rapide]

Chaque mesure lance un processus neuf, comme un clic sur « Vérifier » ou un job de CI : le temps
est celui du processus entier (démarrage de Python, imports, lecture, règles, rapport), la
mémoire est la pointe de RSS du processus (``os.wait4``, comme ``/usr/bin/time -f %M``). On
garde la médiane des temps et la plus haute des pointes de mémoire des N répétitions ; les
mesures d'un même groupe sont lancées à tour de rôle pour qu'une variation de charge de la
machine ne pénalise pas l'une plus que l'autre.

Conditions « installation utilisateur » (tableau principal) : les commandes tournent dans un
environnement à part, ``benchmarks/resultats/venv-utilisateur``, refait à chaque lancement par
``uv sync --no-dev --all-packages --no-editable --compile-bytecode`` : cdv-regles et ses sept
greffons installés comme par ``pip install`` (paquets construits, bytecode compilé), sans
aucune dépendance de développement (ni pytest, ni hypothesis, que pandera importerait, ni
frictionless). Si uv ne peut pas le construire, repli sur le .venv avec hypothesis rendu
introuvable et un cache de bytecode à part (dit dans le rapport). L'effet de l'environnement de
développement est mesuré à part. La croissance avec la taille (1 000 à 100 000 dossiers) est
mesurée en CSV et en xlsx écrit comme Excel. Là où une cible n'est pas tenue, un profil
(``-X importtime`` puis cProfile) dit où va le temps. Résultats : ``benchmarks/RESULTATS.md``
(``benchmarks/resultats/RESULTATS-rapide.md`` avec ``--rapide``) ; tableaux générés et sorties
dans ``benchmarks/resultats/`` (ignoré par git).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import pstats
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ICI = Path(__file__).resolve().parent
RACINE = ICI.parent
sys.path.insert(0, str(ICI))

import generer  # noqa: E402  (module voisin, pas un paquet)

MIO = 1024 * 1024
DATE_REFERENCE = "2023-03-01"  # date de référence des exemples 2023 : mêmes constats chaque jour
PETIT, GRAND = 300, 50_000
#: Tailles du tableau de croissance (celle de GRAND est reprise des mesures principales).
ECHELLE = (1_000, 10_000, GRAND, 100_000)
FORMATS_ECHELLE = ("csv", "partage.xlsx")
#: Coût par dossier « plat » : le coût marginal à 100 000 dossiers au plus 1,5 fois celui à 10 000.
PLAT_MAX = 1.5
DUREE_MAX = 900  # secondes : un processus plus long est arrêté (mesure marquée en échec)
BLOQUER = "hypothesis"
# Repli sans environnement utilisateur : la CLI lancée comme le script ``cdv-regles``, hypothesis
# rendu introuvable.
PRELUDE = (f"import sys; sys.modules[{BLOQUER!r}] = None; sys.argv[0] = 'cdv-regles'; "
           "from cdv_regles.cli import main; main()")


# --- description des mesures -----------------------------------------------------------------

@dataclass
class Mesure:
    cle: str
    libelle: str
    arguments: list[str]  # arguments de cdv-regles, ou commande complète si ``brute``
    groupe: str
    repetitions: int
    cible_s: float | None = None
    cible_mio: float | None = None
    environnement: str = "utilisateur"  # « utilisateur », « dev » (venv tel quel) ou « froid »
    brute: bool = False  # commande Python complète (frictionless, imports du bouton)
    lignes_attendues: int | None = None  # frictionless : il doit avoir lu toutes les lignes
    profiler: bool = True  # profil si une cible n'est pas tenue
    fichier: str = ""
    # Arguments du tour de chauffe (défaut : les mêmes) ; le petit tableau pour les grandes mesures.
    chauffe: list[str] | None = None
    temps: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    memoire: list[float] = field(default_factory=list)
    statuts: list[int] = field(default_factory=list)
    sortie: str = ""  # dernière sortie standard (résumé des constats, erreurs frictionless)
    erreur: str = ""

    @property
    def temps_median(self) -> float | None:
        return statistics.median(self.temps) if self.temps else None

    @property
    def memoire_max(self) -> float | None:
        return max(self.memoire) if self.memoire else None

    @property
    def en_echec(self) -> bool:
        # cdv-regles verifier : 0 sans constat bloquant, 1 avec ; tout autre statut est un échec.
        return bool(self.erreur) or any(s not in (0, 1) for s in self.statuts)

    def tenue(self) -> tuple[bool | None, str]:
        """(cible tenue ?, ce qui manque) ; None s'il n'y a pas de cible."""
        if self.en_echec:
            return False, "échec de la commande"
        if self.cible_s is None and self.cible_mio is None:
            return None, ""
        manques = []
        if self.cible_s is not None and (self.temps_median or 0) > self.cible_s:
            manques.append("temps")
        if self.cible_mio is not None and (self.memoire_max or 0) > self.cible_mio:
            manques.append("mémoire")
        return not manques, " et ".join(manques)


@dataclass
class Contexte:
    python: str  # le Python du .venv de développement (frictionless, mesures « dev »)
    script: Path
    resultats: Path
    cache_bytecode: Path
    cache_vide: Path
    # Environnement de l'installation utilisateur (None : repli sur le .venv, hypothesis bloqué).
    python_utilisateur: str | None = None
    script_utilisateur: Path | None = None
    installation: str = ""  # comment l'installation utilisateur a été faite (pour le rapport)


def environnement(ctx: Contexte, genre: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(ctx.cache_bytecode)
    if genre == "utilisateur" and ctx.python_utilisateur:
        # Les .pyc compilés à l'installation, là où pip les met (pas de cache à part).
        del env["PYTHONPYCACHEPREFIX"]
        env.pop("VIRTUAL_ENV", None)
    if genre == "froid":
        # Aucun .pyc lu ni écrit : tout le code Python est recompilé à chaque lancement.
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONPYCACHEPREFIX"] = str(ctx.cache_vide)
    # Le cache des YAML lus (cdv_regles.cache) à part, rempli par le tour de chauffe comme par le
    # premier clic d'un agent ; « froid » s'en passe, comme le bytecode.
    env["CDV_REGLES_CACHE"] = "non" if genre == "froid" else str(ctx.resultats / "cache-yaml")
    env.setdefault("LANG", "C.UTF-8")
    return env


def commande(ctx: Contexte, m: Mesure) -> list[str]:
    """La commande, toujours « python … » (le profil y insère ``-X importtime``)."""
    utilisateur = m.environnement == "utilisateur" and ctx.python_utilisateur
    if m.brute:
        return [ctx.python_utilisateur if utilisateur else ctx.python, "-P", *m.arguments]  # type: ignore[list-item]
    if utilisateur:
        # Le script ``cdv-regles`` de l'installation, lancé par son Python (ce que fait son shebang).
        return [ctx.python_utilisateur, str(ctx.script_utilisateur), *m.arguments]  # type: ignore[list-item]
    if m.environnement == "utilisateur":
        return [ctx.python, "-P", "-c", PRELUDE, *m.arguments]
    return [ctx.python, str(ctx.script), *m.arguments]


def _sources_differentes(python: Path) -> str:
    """Le premier module de cdv_regles installé qui diffère de ``src/`` (« » si aucun)."""
    installe = subprocess.run([str(python), "-c", "import cdv_regles, os; print(os.path.dirname(cdv_regles.__file__))"],
                              capture_output=True, text=True).stdout.strip()
    source = RACINE / "src" / "cdv_regles"
    if not installe:
        return "cdv_regles introuvable"
    for f in sorted(source.rglob("*.py")):
        copie = Path(installe) / f.relative_to(source)
        if not copie.exists() or copie.read_bytes() != f.read_bytes():
            return str(f.relative_to(RACINE))
    return ""


def installer_utilisateur(resultats: Path) -> tuple[str | None, Path | None, str]:
    """(python, script cdv-regles, description) d'une installation comme par un utilisateur.

    ``uv sync`` dans un environnement à part : paquets construits (pas d'installation éditable),
    bytecode compilé, aucune dépendance de développement ; hors ligne d'abord (cache d'uv), puis
    en ligne. Refait à chaque lancement : il mesure le code de l'arbre de travail tel quel (uv ne
    reconstruit un paquet du dépôt que si sa version change : ``--reinstall-package`` l'y oblige,
    et les sources installées sont comparées à celles de ``src/``).
    """
    import tomllib

    uv = os.environ.get("UV") or shutil.which("uv")
    venv = resultats / "venv-utilisateur"
    greffons = sorted(tomllib.loads(f.read_text(encoding="utf-8"))["project"]["name"]
                      for f in RACINE.glob("plugins/*/pyproject.toml"))
    membres = ["cdv-regles", *greffons]
    commande_uv = [uv or "uv", "sync", "--no-dev", "--all-packages", "--no-editable", "--compile-bytecode",
                   "--frozen", "--quiet", *[a for m in membres for a in ("--reinstall-package", m)]]
    if uv:
        env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
        env["UV_PROJECT_ENVIRONMENT"] = str(venv)
        for hors_ligne in (["--offline"], []):
            r = subprocess.run([*commande_uv, *hors_ligne], cwd=RACINE, env=env, capture_output=True, text=True)
            presents, perime = [], ""
            bin_ = venv / ("Scripts" if os.name == "nt" else "bin")
            python = bin_ / ("python.exe" if os.name == "nt" else "python")
            script = bin_ / ("cdv-regles.exe" if os.name == "nt" else "cdv-regles")
            if r.returncode == 0 and python.exists() and script.exists():
                presents = subprocess.run([str(python), "-c", "import importlib.util as u; print(*[m for m in "
                                          "('hypothesis', 'pytest', 'frictionless') if u.find_spec(m)])"],
                                         capture_output=True, text=True).stdout.split()
                perime = _sources_differentes(python)
                if not presents and not perime:
                    return (str(python), script,
                            "environnement à part (`benchmarks/resultats/venv-utilisateur`) fait par "
                            "`uv sync --no-dev --all-packages --no-editable --compile-bytecode` : paquets "
                            "construits et installés comme par pip, bytecode compilé, aucune dépendance "
                            "de développement (ni hypothesis, ni pytest, ni frictionless)")
            if r.returncode:
                erreur = (r.stderr or r.stdout).strip()[-300:]
            elif not python.exists() or not script.exists():
                erreur = "python ou cdv-regles absent de l'environnement construit"
            elif presents:
                erreur = f"paquets de développement présents : {', '.join(presents)}"
            else:
                erreur = f"sources installées différentes de src/ : {perime}"
    else:
        erreur = "uv introuvable"
    print(f"Avertissement : installation utilisateur impossible ({erreur}) ; repli sur le .venv.",
          file=sys.stderr)
    return None, None, ("repli sur le `.venv` de développement (l'installation à part par `uv sync` a "
                        "échoué) : bytecode dans un cache à part, hypothesis rendu introuvable")


# --- exécution ---------------------------------------------------------------------------------

def lancer(cmd: list[str], env: dict[str, str], cwd: Path, sortie: Path,
           erreurs: Path) -> tuple[float, float, float, int]:
    """(secondes, secondes CPU, pointe RSS en Mio, statut) d'un processus, pris par ``lanceur.py``.

    Sans cet intermédiaire minuscule, la pointe de mémoire mesurée partirait de celle de ce
    script (voir lanceur.py)."""
    fd, mesure = tempfile.mkstemp(prefix=".mesure-", suffix=".json", dir=cwd)
    os.close(fd)
    try:
        with open(sortie, "wb") as so, open(erreurs, "wb") as se:
            p = subprocess.Popen([sys.executable, "-I", "-S", str(ICI / "lanceur.py"), mesure, *cmd],
                                 stdout=so, stderr=se, stdin=subprocess.DEVNULL, env=env, cwd=cwd,
                                 start_new_session=True)
            # Trop long : tout le groupe de processus est arrêté (lanceur et commande).
            minuteur = threading.Timer(DUREE_MAX, lambda: os.killpg(p.pid, signal.SIGKILL))
            minuteur.start()
            try:
                p.wait()
            finally:
                minuteur.cancel()
        with open(mesure, encoding="utf-8") as f:
            donnees = json.load(f)
    except (OSError, ValueError):
        return 0.0, 0.0, 0.0, -1  # lanceur tué ou commande introuvable : mesure en échec
    finally:
        Path(mesure).unlink(missing_ok=True)
    return donnees["secondes"], donnees["cpu"], donnees["rss_kio"] / 1024, donnees["statut"]


def mesurer(ctx: Contexte, mesures: list[Mesure], rechauffer: bool = True) -> None:
    """Répétitions à tour de rôle dans chaque groupe ; un tour de chauffe d'abord si demandé."""
    if rechauffer:
        # Remplit le cache de bytecode et le cache disque : la première mesure n'est pas pénalisée.
        for m in mesures:
            _un_tour(ctx, m, garder=False)
    tours = max((m.repetitions for m in mesures), default=0)
    for i in range(tours):
        for m in mesures:
            if i < m.repetitions:
                _un_tour(ctx, m)
                print(f"  {m.libelle} [{m.fichier}] : {m.temps[-1]:.2f} s, {m.memoire[-1]:.0f} Mio "
                      f"(statut {m.statuts[-1]})", flush=True)


def _un_tour(ctx: Contexte, m: Mesure, garder: bool = True) -> None:
    sortie = ctx.resultats / f"sortie-{m.cle}.txt"
    erreurs = ctx.resultats / f"erreurs-{m.cle}.txt"
    cmd = commande(ctx, m)
    if not garder and m.chauffe is not None:
        cmd = cmd[:len(cmd) - len(m.arguments)] + m.chauffe
    try:
        duree, cpu, rss, statut = lancer(cmd, environnement(ctx, m.environnement), ctx.resultats,
                                         sortie, erreurs)
    except OSError as e:
        m.erreur = f"lancement impossible : {e}"
        return
    if not garder:
        return
    m.temps.append(duree)
    m.cpu.append(cpu)
    m.memoire.append(rss)
    m.statuts.append(statut)
    m.sortie = sortie.read_text(encoding="utf-8", errors="replace")
    if statut not in (0, 1):
        m.erreur = erreurs.read_text(encoding="utf-8", errors="replace").strip()[-500:] or f"statut {statut}"
    elif m.lignes_attendues is not None:
        m.erreur = _lignes_manquantes(m.sortie, m.lignes_attendues)


def _lignes_manquantes(sortie: str, attendues: int) -> str:
    """Le constat d'échec si frictionless n'a pas lu toutes les lignes (sinon « »)."""
    try:
        lues = json.loads(sortie).get("lignes")
    except ValueError:
        return "sortie de frictionless illisible"
    if lues != attendues:
        return f"frictionless a lu {lues} lignes sur {attendues}"
    return ""


def resultat_lisible(m: Mesure) -> str:
    """Ce que la commande a trouvé (nombre de constats, d'erreurs frictionless)."""
    if m.en_echec:
        return f"échec : {m.erreur or 'statut ' + str(m.statuts)}".replace("\n", " ")[:200]
    t = re.search(r"([\d\s\u202f\u00a0]+) dossier\(s\) vérifié\(s\), ([\d\s\u202f\u00a0]+) constat\(s\)"
                  r"(?: : ([^—\n]*))?", m.sortie)
    if t:
        # Les nombres du détail avec espace de milliers, comme le total (« 15 997 bloquants »).
        detail = (" (" + re.sub(r"[0-9]{4,}", lambda n: _entier(n.group(0)), t.group(3).strip()) + ")"
                  if t.group(3) else "")
        return f"{_entier(t.group(2))} constats{detail}"
    try:
        donnees = json.loads(m.sortie)
        types = ", ".join(f"{t} : {_entier(str(n))}" for t, n in sorted(donnees.get("par_type", {}).items()))
        return f"{_entier(str(donnees['erreurs']))} erreurs ({types}) sur {_entier(str(donnees['lignes']))} lignes"
    except (ValueError, KeyError, TypeError):
        return ""


def _entier(texte: str) -> str:
    return f"{int(re.sub(r'[^0-9]', '', texte)):,}".replace(",", " ")


# --- profil --------------------------------------------------------------------------------------

#: Étapes de ``cdv-regles verifier`` : (libellé, fonction). La fonction s'écrit « module:nom »
#: (« module:Classe.méthode ») et ``profiler.py`` la retrouve dans le code mesuré ; « *:nom » :
#: toute fonction de ce nom (les hooks des greffons). Une fonction renommée ou déplacée est dite
#: « introuvable » dans le rapport, sans l'arrêter : mettez alors cette table à jour.
ETAPES = (
    ("Chargement des règles et des greffons (YAML, pluggy)", "cdv_regles.verification:preparer"),
    ("Lecture du fichier (lecture.lire_table)", "cdv_regles.lecture:lire_table"),
    ("Conversion des cellules (conversion.convertir)", "cdv_regles.conversion:convertir"),
    ("DataFrame polars (moteur.cadre)", "cdv_regles.moteur:cadre"),
    ("Compilation des règles (moteur.compiler)", "cdv_regles.moteur:compiler"),
    ("Constats de lecture (constats_lecture)", "cdv_regles.constats_lecture:constats_lecture"),
    ("Schéma (schema.verifier_schema)", "cdv_regles.schema:verifier_schema"),
    ("Évaluation des règles (moteur.evaluer)", "cdv_regles.moteur:evaluer"),
    ("Contrôles Python des greffons (hook cdv_regles_controles)", "*:cdv_regles_controles"),
    ("Empreinte des règles (verification.version_regles)", "cdv_regles.verification:version_regles"),
    ("Rendu du rapport (rapports.rendre)", "cdv_regles.rapports:rendre"),
)
#: La commande entière : ce que les étapes ne couvrent pas est « Autres ».
ETAPE_TOTALE = "cdv_regles.cli:main"


@dataclass
class Profil:
    mesure: Mesure
    imports_total: float
    imports: list[tuple[str, float]]  # (paquet, secondes), décroissant
    etapes: list[tuple[str, float]]
    total_profile: float
    fonctions: list[tuple[str, float]]  # temps propre (tottime) le plus élevé
    postes: list[tuple[str, float]]  # les postes principaux (imports par paquet et étapes)
    introuvables: list[str] = field(default_factory=list)  # fonctions d'ETAPES absentes du code
    non_appelees: list[str] = field(default_factory=list)  # présentes mais pas appelées


def profiler(ctx: Contexte, m: Mesure) -> Profil | None:
    env = environnement(ctx, m.environnement)
    trace = ctx.resultats / f"importtime-{m.cle}.txt"
    cmd = commande(ctx, m)
    cmd = [cmd[0], "-X", "importtime", *cmd[1:]]  # commande() commence toujours par le Python
    lancer(cmd, env, ctx.resultats, ctx.resultats / f"sortie-profil-{m.cle}.txt", trace)
    imports, modules = imports_par_paquet(trace.read_text(encoding="utf-8", errors="replace"))
    imports_total = sum(d for _, d in imports)

    etapes: list[tuple[str, float]] = []
    fonctions: list[tuple[str, float]] = []
    introuvables: list[str] = []
    non_appelees: list[str] = []
    total = 0.0
    if not m.brute and m.arguments and m.arguments[0] == "verifier":
        liste = ctx.resultats / f"modules-{m.cle}.txt"
        liste.write_text("\n".join(modules), encoding="utf-8")
        prof = ctx.resultats / f"profil-{m.cle}.prof"
        reperes = ctx.resultats / f"etapes-{m.cle}.json"
        prof.unlink(missing_ok=True)
        reperes.unlink(missing_ok=True)
        cmd = [commande(ctx, m)[0], "-P", str(ICI / "profiler.py"), str(liste), str(prof),
               "--etapes", reperes.name, *[f for _, f in ETAPES], ETAPE_TOTALE]
        if m.environnement == "utilisateur" and not ctx.python_utilisateur:
            cmd += ["--bloquer", BLOQUER]
        lancer([*cmd, "--", *m.arguments], env, ctx.resultats,
               ctx.resultats / f"sortie-profil-{m.cle}.txt", ctx.resultats / f"erreurs-profil-{m.cle}.txt")
        if prof.exists() and reperes.exists():
            trouvees = json.loads(reperes.read_text(encoding="utf-8"))
            stats = pstats.Stats(str(prof))
            cumul: dict[tuple[str, int, str], float] = {}
            for (fichier, ligne, fonction), (_, _, propre, cumule, _) in stats.stats.items():  # type: ignore[attr-defined]
                cle = (os.path.normcase(fichier), ligne, fonction)
                cumul[cle] = cumul.get(cle, 0.0) + cumule
                fonctions.append((f"{_court(fichier)}:{fonction}", propre))
            for libelle, f in ETAPES:
                duree = _duree_etape(cumul, f, trouvees.get(f))
                if duree is None:
                    introuvables.append(f)
                elif duree == 0.0:
                    non_appelees.append(libelle)
                else:
                    etapes.append((libelle, duree))
            total = _duree_etape(cumul, ETAPE_TOTALE, trouvees.get(ETAPE_TOTALE)) or 0.0
            if total:
                etapes.append(("Autres (écriture de la sortie, tri, click…)",
                               max(0.0, total - sum(d for _, d in etapes))))
            fonctions.sort(key=lambda kv: -kv[1])
    postes = sorted([(f"Import de {p}", d) for p, d in imports] + etapes, key=lambda kv: -kv[1])
    return Profil(m, imports_total, imports, etapes, total, fonctions[:5], postes[:5], introuvables,
                  non_appelees)


def _duree_etape(cumul: dict[tuple[str, int, str], float], fonction: str,
                 repere: list | None) -> float | None:
    """Temps cumulé d'une étape ; None si sa fonction n'existe pas dans le code mesuré.

    ``repere`` : (fichier, première ligne, nom) relevé par ``profiler.py`` dans le code mesuré,
    la clé même de cProfile. « *:nom » : toutes les fonctions de ce nom (hors déclaration du hook).
    """
    if fonction.startswith("*:"):
        nom = fonction[2:]
        return sum(v for (f, _, fn), v in cumul.items()
                   if fn == nom and not f.replace(os.sep, "/").endswith("cdv_regles/hookspecs.py"))
    if not repere:
        return None
    fichier, ligne, nom = repere
    return cumul.get((os.path.normcase(fichier), ligne, nom), 0.0)


def imports_par_paquet(trace: str) -> tuple[list[tuple[str, float]], list[str]]:
    """Coût d'import par paquet (décroissant) et modules importés, d'après ``-X importtime``.

    Le temps propre d'un module va au paquet le plus extérieur, hors cdv_regles, qui l'a fait
    importer : pydantic, chargé par pandera, compte dans « pandera » ; polars, chargé par
    cdv_regles.moteur, dans « polars ». La trace est en ordre postfixe (enfants d'abord) : lue
    à l'envers, chaque module vient avant ses descendants.
    """
    lignes = []
    for ligne in trace.splitlines():
        t = re.match(r"import time:\s+(\d+) \|\s+\d+ \|( *)(\S+)", ligne)
        if t:
            lignes.append((int(t.group(1)) / 1e6, (len(t.group(2)) - 1) // 2, t.group(3)))
    par_paquet: dict[str, float] = {}
    pile: list[str] = []
    for propre, profondeur, nom in reversed(lignes):
        del pile[profondeur:]
        pile.append(nom)
        racines = [n.split(".")[0] for n in pile]
        paquet = next((r for r in racines if r != "cdv_regles"), "cdv_regles")
        par_paquet[paquet] = par_paquet.get(paquet, 0.0) + propre
    return sorted(par_paquet.items(), key=lambda kv: -kv[1]), [nom for _, _, nom in lignes]


def _court(fichier: str) -> str:
    f = fichier.replace(os.sep, "/")
    for repere in ("site-packages/", "src/", "lib/python"):
        if repere in f:
            return f.split(repere, 1)[1]
    return f


# --- rapport Markdown ----------------------------------------------------------------------------

def _s(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f} s".replace(".", ",")


def _mio(x: float | None) -> str:
    return "—" if x is None else f"{x:.0f} Mio"


def _cible(m: Mesure) -> str:
    morceaux = []
    if m.cible_s is not None:
        morceaux.append(f"≤ {m.cible_s:g} s".replace(".", ","))
    if m.cible_mio is not None:
        morceaux.append("≤ 1 Gio" if m.cible_mio == 1024 else f"≤ {m.cible_mio:g} Mio")
    return " et ".join(morceaux) or "—"


def _oui_non(tenue: bool | None, manque: str) -> str:
    if tenue is None:
        return "—"
    return "oui" if tenue else f"**non** ({manque})"


def tableau(mesures: list[Mesure]) -> list[str]:
    lignes = ["| Mesure | Fichier | Rép. | Temps total (médiane) | CPU (médiane) | Mémoire de pointe "
              "| Cible | Cible tenue ? | Résultat |",
              "|---|---|---:|---:|---:|---:|---|---|---|"]
    for m in mesures:
        cpu = statistics.median(m.cpu) if m.cpu else None
        lignes.append(f"| {m.libelle} | {m.fichier or '—'} | {len(m.temps)} | {_s(m.temps_median)} "
                      f"| {_s(cpu)} | {_mio(m.memoire_max)} | {_cible(m)} | {_oui_non(*m.tenue())} "
                      f"| {resultat_lisible(m)} |")
    return lignes


RATIO_CIBLE = 5.0


def comparer(principales: list[Mesure]) -> tuple[Mesure, Mesure, float] | None:
    """(cdv-regles, frictionless, combien de fois cdv-regles est plus rapide) sur le grand CSV."""
    cdv = next((m for m in principales if m.cle == f"verifier-{GRAND}-csv"), None)
    fric = next((m for m in principales if m.cle == f"frictionless-{GRAND}-csv"), None)
    if not cdv or not fric or not cdv.temps or not fric.temps or cdv.en_echec or fric.en_echec:
        return None
    return cdv, fric, fric.temps_median / cdv.temps_median  # type: ignore[operator]


def ligne_rapport(principales: list[Mesure]) -> list[str]:
    comparaison = comparer(principales)
    if comparaison is None:
        return []
    cdv, fric, ratio = comparaison
    tenue = ratio >= RATIO_CIBLE
    sens = f"{ratio:.1f}× plus rapide" if ratio >= 1 else f"{1 / ratio:.1f}× plus lent"
    return ["", "| Comparaison (même CSV de 50 000 dossiers) | cdv-regles | frictionless | Rapport "
            "| Cible | Cible tenue ? |", "|---|---:|---:|---|---|---|",
            f"| cdv-regles verifier face à {LIBELLE_FRICTIONLESS} | {_s(cdv.temps_median)} "
            f"| {_s(fric.temps_median)} | {sens.replace('.', ',')} | ≥ {RATIO_CIBLE:g}× plus rapide "
            f"| {_oui_non(tenue, 'temps')} |"]


# --- croissance avec la taille ---------------------------------------------------------------------

@dataclass
class Croissance:
    fmt: str
    points: list[tuple[int, Mesure]]  # (dossiers, mesure), tailles croissantes

    def temps(self, taille: int) -> float | None:
        m = dict(self.points).get(taille)
        return m.temps_median if m and not m.en_echec else None

    def marginal(self, taille: int) -> float | None:
        """Secondes par 1 000 dossiers au-delà des 1 000 premiers : (t(N) − t(1 000)) / (N − 1 000).

        Le démarrage (Python, imports, règles) est le même à toute taille : il est retiré, il ne
        reste que ce que coûte chaque dossier de plus."""
        base, t = self.temps(ECHELLE[0]), self.temps(taille)
        if base is None or t is None or taille <= ECHELLE[0]:
            return None
        return (t - base) / (taille - ECHELLE[0]) * 1000

    def rapport(self) -> float | None:
        """Coût marginal à 100 000 dossiers rapporté à celui à 10 000 (plat : ≤ PLAT_MAX)."""
        a, b = self.marginal(ECHELLE[1]), self.marginal(ECHELLE[-1])
        return b / a if a and b is not None and a > 0 else None

    def plat(self) -> bool | None:
        r = self.rapport()
        return None if r is None else r <= PLAT_MAX


def croissances(principales: list[Mesure], echelle: list[Mesure]) -> list[Croissance]:
    par_cle = {m.cle: m for m in principales + echelle}
    resultat = []
    for fmt in FORMATS_ECHELLE:
        points = [(t, par_cle[f"verifier-{t}-{fmt.replace('.', '-')}"]) for t in ECHELLE
                  if f"verifier-{t}-{fmt.replace('.', '-')}" in par_cle]
        if len(points) == len(ECHELLE):
            resultat.append(Croissance(fmt, points))
    return resultat


def _nom_format(fmt: str) -> str:
    return "xlsx écrit comme Excel" if fmt == "partage.xlsx" else fmt.upper()


def _x(r: float | None) -> str:
    return "—" if r is None else f"{r:.2f}×".replace(".", ",")


def tableau_croissance(courbes: list[Croissance]) -> list[str]:
    lignes = ["| Format | Dossiers | Rép. | Temps total (médiane) | CPU (médiane) | Par 1 000 dossiers "
              "| Marginal par 1 000 dossiers | Mémoire de pointe | Résultat |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for c in courbes:
        for taille, m in c.points:
            t = m.temps_median if not m.en_echec else None
            cpu = statistics.median(m.cpu) if m.cpu and not m.en_echec else None
            par_mille = None if t is None else t / taille * 1000
            lignes.append(f"| {_nom_format(c.fmt)} | {_entier(str(taille))} | {len(m.temps)} | {_s(t)} "
                          f"| {_s(cpu)} | {_s(par_mille)} | {_s(c.marginal(taille))} | {_mio(m.memoire_max)} "
                          f"| {resultat_lisible(m)} |")
    lignes += ["", "| Format | Marginal à 10 000 | Marginal à 100 000 | Rapport | Critère | Plat ? |",
               "|---|---:|---:|---:|---|---|"]
    for c in courbes:
        plat = c.plat()
        verdict = "—" if plat is None else ("oui" if plat else "**non**")
        lignes.append(f"| {_nom_format(c.fmt)} | {_s(c.marginal(ECHELLE[1]))} | {_s(c.marginal(ECHELLE[-1]))} "
                      f"| {_x(c.rapport())} | ≤ {_x(PLAT_MAX)} | {verdict} |")
    return lignes


# --- bilan des cibles ------------------------------------------------------------------------------

def bilan(principales: list[Mesure], courbes: list[Croissance]) -> list[str]:
    """Une ligne par cible de l'issue 15 : ce qui est mesuré, tenue ou non."""
    par_cle = {m.cle: m for m in principales}
    lignes = ["| Cible (issue 15) | Mesuré | Tenue ? |", "|---|---|---|"]

    def temps(cle: str, cible: float, quoi: str) -> None:
        m = par_cle.get(cle)
        if m is None:
            return
        ok = None if m.en_echec else (m.temps_median or 0) <= cible
        lignes.append(f"| {quoi} ≤ {_s(cible)} | {_s(m.temps_median) if not m.en_echec else 'échec'} "
                      f"| {_oui_non(ok, 'temps') if ok is not None else '**non** (échec)'} |")

    def memoire(cle: str, cible: float, quoi: str) -> None:
        m = par_cle.get(cle)
        if m is None:
            return
        ok = None if m.en_echec else (m.memoire_max or 0) <= cible
        lignes.append(f"| {quoi} ≤ {cible:g} Mio | {_mio(m.memoire_max) if not m.en_echec else 'échec'} "
                      f"| {_oui_non(ok, 'mémoire') if ok is not None else '**non** (échec)'} |")

    temps(f"verifier-{PETIT}-xlsx", CIBLE_PETIT_S, f"`verifier` {PETIT} dossiers, xlsx, processus entier")
    temps(f"verifier-{PETIT}-csv", CIBLE_PETIT_S, f"`verifier` {PETIT} dossiers, CSV, processus entier")
    temps(f"verifier-{GRAND}-partage-xlsx", CIBLE_GRAND_S, "`verifier` 50 000 dossiers, xlsx écrit comme Excel")
    comparaison = comparer(principales)
    if comparaison:
        _, _, ratio = comparaison
        lignes.append(f"| ≥ {RATIO_CIBLE:g}× plus rapide que frictionless (CSV de 50 000 dossiers) "
                      f"| {ratio:.1f}×".replace(".", ",") + f" | {_oui_non(ratio >= RATIO_CIBLE, 'rapport')} |")
    elif f"frictionless-{GRAND}-csv" in par_cle:
        lignes.append(f"| ≥ {RATIO_CIBLE:g}× plus rapide que frictionless | échec d'une des deux mesures "
                      "| **non** (échec) |")
    memoire(f"verifier-{GRAND}-partage-xlsx", CIBLE_GRAND_MIO,
            "Mémoire de pointe, 50 000 dossiers, xlsx écrit comme Excel")
    memoire(f"verifier-{GRAND}-csv", CIBLE_GRAND_MIO, "Mémoire de pointe, 50 000 dossiers, CSV")
    for c in courbes:
        plat = c.plat()
        lignes.append(f"| Coût par dossier plat de 1 000 à 100 000, {_nom_format(c.fmt)} (marginal à "
                      f"100 000 ≤ {_x(PLAT_MAX)} celui à 10 000) | {_x(c.rapport())} "
                      f"| {'—' if plat is None else _oui_non(plat, 'croissance')} |")
    return lignes


def planchers(principales: list[Mesure]) -> list[str]:
    """Section « Planchers » : pour chaque cible de temps, ce que paie un processus qui ne ferait
    que démarrer Python et charger la bibliothèque dont il ne peut se passer."""
    par_cle = {m.cle: m for m in principales if not m.en_echec and m.temps}
    lignes = []

    def ligne(cible_cle: str, plancher_cle: str, cible: float, quoi: str, plancher: str) -> None:
        m, p = par_cle.get(cible_cle), par_cle.get(plancher_cle)
        if m is None or p is None:
            return
        t, tp = m.temps_median or 0.0, p.temps_median or 0.0
        lignes.append(f"| {quoi} ≤ {_s(cible)} | {plancher} : {_s(tp)} | {round(100 * tp / cible)} % "
                      f"| {_s(max(cible - tp, 0.0))} | {_s(t)} | {_s(max(t - tp, 0.0))} |")

    for fmt, nom in (("xlsx", "xlsx"), ("csv", "CSV")):
        ligne(f"verifier-{PETIT}-{fmt}", PLANCHER_POLARS, CIBLE_PETIT_S, f"`verifier` {PETIT} dossiers, {nom}",
              "Python et `import polars`")
    ligne(f"verifier-{GRAND}-partage-xlsx", PLANCHER_CALAMINE, CIBLE_GRAND_S,
          "`verifier` 50 000 dossiers, xlsx écrit comme Excel", "Python et calamine seul lit la feuille")
    if not lignes:
        return []
    python = par_cle.get(PLANCHER_PYTHON)
    return ["## Planchers", "",
            "Ce qu'un processus paie avant tout travail propre à cdv-regles, mesuré dans le même lancement "
            "(processus neufs, même environnement, sortie par `os._exit` comme cdv-regles) : démarrer Python "
            + (f"({_s(python.temps_median)}) " if python else "")
            + "et charger la bibliothèque sans laquelle la commande ne peut rien faire — polars, le moteur "
            "des règles (et de pandera), pour tout `verifier` ; pour un xlsx, calamine qui analyse la feuille "
            "et en rend les lignes (`plancher_calamine.py`, les appels mêmes de `lecture/calamine.py`). "
            "« Marge » : ce qui reste de la cible pour tout le reste (lecture, règles, rapport) ; "
            "« Au-dessus du plancher » : ce que ce reste coûte aujourd'hui.", "",
            "| Cible | Plancher | Part de la cible | Marge | Mesuré | Au-dessus du plancher |",
            "|---|---|---:|---:|---:|---:|", *lignes, ""]


def machine(ctx: Contexte) -> list[str]:
    modele = "inconnu"
    try:
        for ligne in Path("/proc/cpuinfo").read_text().splitlines():
            if ligne.startswith("model name"):
                modele = ligne.split(":", 1)[1].strip()
                break
    except OSError:
        modele = platform.processor() or "inconnu"
    try:
        memoire = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
        ram = f"{memoire:.0f} Gio"
    except (ValueError, OSError, AttributeError):
        ram = "inconnue"
    versions = []
    for paquet in ("cdv-regles", "polars", "pandera", "python-calamine", "openpyxl", "click", "frictionless"):
        try:
            versions.append(f"{paquet} {metadata.version(paquet)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{paquet} absent")
    nproc = shutil.which("nproc")
    coeurs = subprocess.run([nproc], capture_output=True, text=True).stdout.strip() if nproc else str(os.cpu_count())
    commit = subprocess.run(["git", "-C", str(RACINE), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "inconnu"
    return [
        f"- Date : {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- Machine : {coeurs} processeur(s) (`nproc`), {modele}, {ram} de mémoire, "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()} ; {', '.join(versions)}",
        f"- Dépôt : commit {commit} (arbre de travail partagé : des modifications non committées "
        "d'autres personnes peuvent être présentes)",
    ]


def charge() -> str:
    try:
        return ", ".join(f"{x:.1f}".replace(".", ",") for x in os.getloadavg())
    except OSError:
        return "inconnue"


def rendre(ctx: Contexte, principales: list[Mesure], echelle: list[Mesure], dev: list[Mesure],
           profils: list[Profil], charges: tuple[str, str], nb_regles: str, options: argparse.Namespace) -> str:
    courbes = croissances(principales, echelle)
    commande_lancee = ("uv run python benchmarks/mesurer.py" + (" --rapide" if options.rapide else "")
                       + f" --repetitions {options.repetitions}"
                       + ("" if options.rapide else f" --repetitions-grandes {options.repetitions_grandes}")
                       + (" --sans-echelle" if options.sans_echelle and not options.rapide else ""))
    L = ["# Mesures de performance de cdv-regles", "",
         f"Produit par `{commande_lancee}` (voir `benchmarks/README.md`). Ne pas modifier à la main : "
         "relancer le script.", "",
         "## Machine", "", *machine(ctx),
         f"- Charge moyenne de la machine (1, 5, 15 min) : {charges[0]} au début, {charges[1]} à la fin "
         "(une charge supérieure au nombre de processeurs allonge les temps : le temps CPU est "
         "moins sensible à la charge que le temps total)",
         *(["- Charge sur 1 min au début de chaque groupe de mesures : "
            + " ; ".join(f"{nom} {c}" for nom, c in getattr(options, "charges_groupes", []))]
           if getattr(options, "charges_groupes", None) else []),
         f"- Installation mesurée : {ctx.installation}",
         f"- Règles chargées : {nb_regles}",
         f"- Tableaux : générés par `benchmarks/generer.py` (dossier type 2023, ~{generer.PART_FAUTIFS:.0%} de "
         "dossiers fautifs tirés des exemples invalides des règles), xlsx écrit comme Excel "
         "(`partage.xlsx` : chaînes partagées, XlsxWriter) et, pour 300 et 50 000 dossiers, par openpyxl "
         "en mode write_only (textes dans les cellules : XML deux fois plus gros qu'Excel), CSV "
         "point-virgule en Windows-1252 comme l'exporte Excel en français ; date de référence "
         f"{DATE_REFERENCE}.",
         f"- frictionless valide le même CSV avec `benchmarks/{generer.SCHEMA.name}` (déduit du contrat de "
         "colonnes : types, colonnes obligatoires, numéro de dossier unique, motifs des identifiants, "
         "virgule décimale et espace insécable de milliers), sans limite d'erreurs ; la mesure est en "
         f"échec s'il n'a pas lu toutes les lignes.", ""]
    if not options.rapide:
        L += ["## Bilan des cibles", "", *bilan(principales, courbes), ""]
    L += planchers(principales)
    L += ["## Résultats (conditions d'une installation utilisateur)", "",
          "Temps total du processus (médiane des répétitions), temps CPU utilisateur + système, "
          "pointe de mémoire résidente (la plus haute des répétitions). Voir « Installation mesurée » "
          "ci-dessus et `benchmarks/README.md`.", "",
          *tableau(principales), *ligne_rapport(principales), ""]
    if courbes:
        L += ["## Croissance avec la taille", "",
              "Le même `cdv-regles verifier` de 1 000 à 100 000 dossiers (les mesures à 50 000 sont celles "
              "du tableau principal). « Par 1 000 dossiers » : temps total ÷ dossiers × 1 000, démarrage "
              "compris. « Marginal » : ce que coûtent 1 000 dossiers de plus, démarrage retiré : "
              "(t(N) − t(1 000)) ÷ (N − 1 000) × 1 000. Le coût par dossier est dit **plat** quand le "
              f"marginal à 100 000 dossiers est au plus {_x(PLAT_MAX)} celui à 10 000 (une croissance "
              "quadratique le multiplierait par 10).", "", *tableau_croissance(courbes), ""]
    if dev:
        L += ["## Effet de l'environnement de développement (pour information)", "",
              "Le même lancement dans le `.venv` de développement tel quel : hypothesis installé "
              "(pandera l'importe alors), puis en plus sans aucun bytecode (`PYTHONDONTWRITEBYTECODE=1` "
              "et cache vide, ni cache des YAML lus : tout le code Python, bibliothèque standard "
              "comprise, est compilé à chaque lancement ; le bac à sable de développement est proche "
              "de ce cas, car uv n'y a pas compilé les .pyc des bibliothèques et rien ne les écrit).",
              "", *tableau(dev), ""]
    L += ["## Où va le temps", ""]
    if options.sans_profil:
        L += ["Profils non demandés (`--sans-profil`).", ""]
    elif not profils:
        L += ["Aucune mesure profilée.", ""]
    for p in profils:
        m = p.mesure
        cible = _cible(m)
        tenue, _ = m.tenue()
        if m.cle == f"verifier-{GRAND}-csv":
            cible = (cible + " et " if cible != "—" else "") + f"≥ {RATIO_CIBLE:g}× plus rapide que frictionless"
            comparaison = comparer(principales)
            tenue = tenue is not False and bool(comparaison and comparaison[2] >= RATIO_CIBLE)
        etat = "tenue" if tenue else "manquée"
        L += [f"### {m.libelle} — {m.fichier or 'sans fichier'} ({_s(m.temps_median)}, cible {cible} : {etat})", "",
              "Les 5 postes principaux (imports par paquet, mesurés par `python -X importtime` ; "
              "étapes du moteur, mesurées par cProfile après les imports) :", "",
              "| Poste | Temps |", "|---|---:|"]
        L += [f"| {nom} | {_s(d)} |" for nom, d in p.postes]
        L += ["", f"Temps total mesuré {_s(m.temps_median)}, dont imports {_s(p.imports_total)} ; "
              "par paquet : " + ", ".join(f"{n} {_s(d)}" for n, d in p.imports[:8]) + "."]
        if p.etapes:
            L += ["", f"Étapes (cProfile, {_s(p.total_profile)} hors imports ; cProfile ralentit le code "
                  "Python pur, comparez les parts plutôt que les secondes) : "
                  + ", ".join(f"{n} {_s(d)}" for n, d in p.etapes) + ".",
                  "", "Temps propre le plus élevé (fonctions) : "
                  + ", ".join(f"`{n}` {_s(d)}" for n, d in p.fonctions) + "."]
        elif not m.brute:
            L += ["", "Profil cProfile indisponible (voir `benchmarks/resultats/erreurs-profil-*.txt`)."]
        if p.non_appelees:
            L += ["", "Étapes non appelées dans ce lancement : " + ", ".join(p.non_appelees) + "."]
        if p.introuvables:
            L += ["", "Étapes introuvables dans le code mesuré (fonction renommée ou déplacée : mettre à jour "
                  "`ETAPES` dans `benchmarks/mesurer.py`) : " + ", ".join(f"`{f}`" for f in p.introuvables) + "."]
        L.append("")
    return "\n".join(L).rstrip() + "\n"


def _section_conservee(chemin: Path) -> str:
    """La section « Lecture bornée » (écrite par ``lecture_bornee.py``), gardée telle quelle."""
    debut, fin = "<!-- lecture-bornee:debut -->", "<!-- lecture-bornee:fin -->"
    ancien = chemin.read_text(encoding="utf-8") if chemin.exists() else ""
    if debut not in ancien or fin not in ancien:
        return ""
    return "\n" + debut + ancien.split(debut, 1)[1].split(fin, 1)[0] + fin + "\n"


def ecrire(chemin: Path, texte: str) -> None:
    """Écriture atomique : fichier temporaire dans le même dossier, puis renommage."""
    chemin.parent.mkdir(parents=True, exist_ok=True)
    fd, provisoire = tempfile.mkstemp(dir=chemin.parent, prefix=f".{chemin.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(texte)
        os.replace(provisoire, chemin)
    except BaseException:
        Path(provisoire).unlink(missing_ok=True)
        raise


# --- programme -----------------------------------------------------------------------------------

#: Noms des groupes de mesures dans le rapport.
GROUPES = {"demarrage": "démarrage", f"t{PETIT}": f"{PETIT} dossiers", f"t{GRAND}": "50 000 dossiers",
           "echelle": "croissance (1 000, 10 000, 100 000)", "dev": "environnement de développement"}

#: Mesures des planchers (clés).
PLANCHER_PYTHON, PLANCHER_POLARS, PLANCHER_CALAMINE = "plancher-python", "plancher-polars", f"plancher-calamine-{GRAND}"
#: Cibles de l'issue 15 (temps total du processus ; mémoire de pointe).
CIBLE_PETIT_S, CIBLE_PETIT_MIO = 0.5, 250
CIBLE_GRAND_S, CIBLE_GRAND_MIO = 3.0, 500
LIBELLE_FRICTIONLESS = "frictionless (schéma typé : types, obligatoires, unicité, motifs)"


def _libelle(taille: int, fmt: str) -> str:
    libelle = f"`cdv-regles verifier` {taille:,} dossiers".replace(",", " ")
    if fmt == "partage.xlsx":
        libelle += " (xlsx écrit comme Excel)"
    elif fmt == "xlsx":
        libelle += " (xlsx openpyxl write_only)"
    return libelle


def _verifier(fichiers: dict[tuple[int, str], Path], taille: int, fmt: str, groupe: str, repetitions: int,
              ) -> Mesure:
    chemin = fichiers[taille, fmt]
    m = Mesure(f"verifier-{taille}-{fmt.replace('.', '-')}", _libelle(taille, fmt),
               ["verifier", chemin.name, "--date", DATE_REFERENCE], groupe, repetitions, fichier=chemin.name)
    if taille > PETIT:
        # Tour de chauffe sur le petit tableau du même format : bytecode et caches remplis.
        petit = fichiers[PETIT, "csv" if fmt == "csv" else "xlsx"]
        m.chauffe = [a.replace(chemin.name, petit.name) for a in m.arguments]
    return m


def construire_mesures(fichiers: dict[tuple[int, str], Path], schema: Path, options: argparse.Namespace,
                       ) -> tuple[list[Mesure], list[Mesure], list[Mesure]]:
    """(mesures principales, mesures de croissance hors 50 000, mesures de l'environnement de dev)."""
    n, ng = options.repetitions, options.repetitions_grandes
    principales = [
        Mesure("aide", "`cdv-regles --help`", ["--help"], "demarrage", n, cible_s=0.3),
        Mesure("import-classeur", "Bouton : `import cdv_regles.classeur`",
               ["-c", "import cdv_regles.classeur"], "demarrage", n, brute=True, profiler=False),
        Mesure("import-bouton", "Bouton : `import cdv_regles.classeur, xlwings`",
               ["-c", "import cdv_regles.classeur, xlwings"], "demarrage", n, brute=True, profiler=False),
        # Planchers : ce que paie tout lancement, quoi que fasse cdv-regles (voir « Planchers »).
        Mesure(PLANCHER_PYTHON, "Plancher : Python seul (`python -c pass`)", ["-c", "pass"], "demarrage", n,
               brute=True, profiler=False),
        # Sortie par os._exit, comme cdv-regles (processus.quitter) : ni l'un ni l'autre ne paie le
        # démontage des modules.
        Mesure(PLANCHER_POLARS, "Plancher : Python et `import polars` (le moteur des règles)",
               ["-c", "import os, polars; os._exit(0)"], "demarrage", n, brute=True, profiler=False),
    ]
    for fmt in ("xlsx", "csv"):
        m = _verifier(fichiers, PETIT, fmt, f"t{PETIT}", n)
        m.cible_s, m.cible_mio = CIBLE_PETIT_S, CIBLE_PETIT_MIO
        principales.append(m)
    echelle: list[Mesure] = []
    if not options.rapide:
        groupe = f"t{GRAND}"
        # La cible de temps est celle du xlsx écrit comme Excel ; celui d'openpyxl (textes dans les
        # cellules, XML deux fois plus gros) est pour information ; le CSV a pour cible le rapport
        # à frictionless.
        for fmt in ("partage.xlsx", "xlsx", "csv"):
            m = _verifier(fichiers, GRAND, fmt, groupe, ng)
            if fmt == "partage.xlsx":
                m.cible_s = CIBLE_GRAND_S
            if fmt != "xlsx":
                m.cible_mio = CIBLE_GRAND_MIO
            principales.append(m)
        classeur = fichiers[GRAND, "partage.xlsx"]
        principales.append(Mesure(
            PLANCHER_CALAMINE, "Plancher : calamine seul lit la feuille (`plancher_calamine.py`)",
            [str(ICI / "plancher_calamine.py"), classeur.name], groupe, ng, brute=True, profiler=False,
            fichier=classeur.name, chauffe=[str(ICI / "plancher_calamine.py"), fichiers[PETIT, "xlsx"].name]))
        chemin = fichiers[GRAND, "csv"]
        valider = str(ICI / "valider_frictionless.py")
        principales.append(Mesure(
            f"frictionless-{GRAND}-csv", LIBELLE_FRICTIONLESS, [valider, chemin.name, str(schema)], groupe, ng,
            brute=True, profiler=False, fichier=chemin.name, environnement="dev", lignes_attendues=GRAND,
            chauffe=[valider, fichiers[PETIT, "csv"].name, str(schema)]))
        if not options.sans_echelle:
            for taille in ECHELLE:
                if taille != GRAND:
                    for fmt in FORMATS_ECHELLE:
                        echelle.append(_verifier(fichiers, taille, fmt, "echelle", ng if taille > GRAND else n))
    dev = []
    if not options.sans_dev:
        petit = fichiers[PETIT, "xlsx"]
        arguments = ["verifier", petit.name, "--date", DATE_REFERENCE]
        dev = [
            Mesure("dev-aide-froid", "`cdv-regles --help`, sans aucun bytecode", ["--help"], "dev", n,
                   cible_s=0.3, environnement="froid", profiler=False),
            Mesure("dev-verifier", f"`cdv-regles verifier` {PETIT} dossiers, hypothesis installé", arguments,
                   "dev", n, cible_s=CIBLE_PETIT_S, cible_mio=CIBLE_PETIT_MIO, environnement="dev",
                   profiler=False, fichier=petit.name),
            Mesure("dev-verifier-froid", f"`cdv-regles verifier` {PETIT} dossiers, hypothesis installé, "
                   "sans aucun bytecode", arguments, "dev", n, cible_s=CIBLE_PETIT_S, cible_mio=CIBLE_PETIT_MIO,
                   environnement="froid", profiler=False, fichier=petit.name),
        ]
    return principales, echelle, dev


def main(arguments: list[str] | None = None) -> int:
    parseur = argparse.ArgumentParser(
        description="Mesure le temps total et la mémoire de pointe de cdv-regles et de frictionless.")
    parseur.add_argument("--repetitions", type=int, default=3, metavar="N",
                         help="répétitions des mesures courtes (médiane ; 3 par défaut)")
    parseur.add_argument("--repetitions-grandes", type=int, default=1, metavar="N",
                         help=f"répétitions des mesures sur {GRAND:,} dossiers (1 par défaut)")
    parseur.add_argument("--rapide", action="store_true",
                         help=f"seulement {PETIT} dossiers et le démarrage ; écrit resultats/RESULTATS-rapide.md")
    parseur.add_argument("--sans-profil", action="store_true", help="ne pas profiler les cibles manquées")
    parseur.add_argument("--sans-dev", action="store_true",
                         help="ne pas mesurer l'effet de l'environnement de développement")
    parseur.add_argument("--sans-echelle", action="store_true",
                         help="ne pas mesurer la croissance avec la taille (1 000 à 100 000 dossiers)")
    parseur.add_argument("--sortie", type=Path, metavar="FICHIER",
                         help="fichier Markdown (défaut : benchmarks/RESULTATS.md)")
    options = parseur.parse_args(arguments)
    if options.repetitions < 1 or options.repetitions_grandes < 1:
        parseur.error("le nombre de répétitions doit être au moins 1")

    resultats = ICI / "resultats"
    resultats.mkdir(exist_ok=True)
    script = Path(sys.executable).parent / ("cdv-regles.exe" if os.name == "nt" else "cdv-regles")
    if not script.exists():
        print(f"Erreur : {script} introuvable. Lancez ce script avec le Python de l'environnement "
              "du projet : uv run python benchmarks/mesurer.py", file=sys.stderr)
        return 2
    try:
        import frictionless  # noqa: F401
    except ImportError:
        if not options.rapide:
            print("Erreur : frictionless n'est pas installé (dépendance de mesure) : "
                  "uv pip install frictionless, ou lancez avec --rapide.", file=sys.stderr)
            return 2
    m_modele = generer.modele()
    if generer.SCHEMA.read_text(encoding="utf-8") != generer.texte_schema(m_modele):
        print(f"Erreur : le schéma frictionless committé ({generer.SCHEMA.name}) ne suit plus le contrat "
              "de colonnes : relancez uv run python benchmarks/generer.py --schema, puis committez-le.",
              file=sys.stderr)
        return 2
    ctx = Contexte(sys.executable, script, resultats, resultats / "pycache", resultats / "pycache-vide")
    ctx.cache_vide.mkdir(exist_ok=True)

    charge_debut = charge()
    print("Installation utilisateur (uv sync dans benchmarks/resultats/venv-utilisateur)…", flush=True)
    ctx.python_utilisateur, ctx.script_utilisateur, ctx.installation = installer_utilisateur(resultats)
    print("Préparation des tableaux (générés une fois, puis repris de benchmarks/resultats/)…", flush=True)
    demandes = [(PETIT, "xlsx"), (PETIT, "csv")]
    if not options.rapide:
        demandes += [(GRAND, "xlsx"), (GRAND, "partage.xlsx"), (GRAND, "csv")]
        if not options.sans_echelle:
            demandes += [(t, f) for t in ECHELLE if t != GRAND for f in FORMATS_ECHELLE]
    fichiers = generer.tableaux(resultats, demandes, m_modele)
    nb_regles = _regles_chargees()

    principales, echelle, dev = construire_mesures(fichiers, generer.SCHEMA, options)
    groupes: dict[str, list[Mesure]] = {}
    for m in principales + echelle + dev:
        groupes.setdefault(m.groupe, []).append(m)
    charges_groupes: list[tuple[str, str]] = []
    for nom, mesures in groupes.items():
        print(f"Mesures ({nom})…", flush=True)
        charges_groupes.append((GROUPES.get(nom, nom), charge().split(", ")[0]))
        mesurer(ctx, mesures)
    options.charges_groupes = charges_groupes

    profils = []
    comparaison = comparer(principales)
    # Rapport à frictionless manqué : c'est le temps de cdv-regles sur ce CSV qu'il faut expliquer.
    a_expliquer = comparaison[0] if comparaison and comparaison[2] < RATIO_CIBLE else None
    if not options.sans_profil:
        for m in principales:
            tenue, _ = m.tenue()
            # Les deux mesures cibles à 50 000 dossiers sont toujours profilées (le profil par
            # étape fait partie du rapport) ; les autres, quand leur cible est manquée.
            toujours = m.cle in (f"verifier-{GRAND}-partage-xlsx", f"verifier-{GRAND}-csv")
            if (tenue is False or m is a_expliquer or toujours) and m.profiler and not m.en_echec:
                print(f"Profil : {m.libelle} {m.fichier}…", flush=True)
                p = profiler(ctx, m)
                if p:
                    profils.append(p)
    texte = rendre(ctx, principales, echelle, dev, profils, (charge_debut, charge()), nb_regles, options)
    sortie = options.sortie or (resultats / "RESULTATS-rapide.md" if options.rapide else ICI / "RESULTATS.md")
    ecrire(sortie, texte + _section_conservee(sortie))
    print()
    print(texte)
    print(f"Écrit : {sortie}")
    return 0


def _regles_chargees() -> str:
    from cdv_regles.verification import preparer

    greffons, catalogue = preparer(2023)
    noms = ", ".join(g.nom for g in greffons.actifs)
    return f"{len({r.id for r in catalogue.regles})} règles du millésime {catalogue.millesime} ({noms})"


if __name__ == "__main__":
    sys.exit(main())
