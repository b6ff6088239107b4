"""Mesure le temps total et la mémoire de pointe de ``cdv-regles`` (et de frictionless, pour comparer).

    uv run python benchmarks/mesurer.py [--repetitions N] [--repetitions-grandes N] [--rapide]

Chaque mesure lance un processus neuf, comme un clic sur « Vérifier » ou un job de CI : le temps
est celui du processus entier (démarrage de Python, imports, lecture, règles, rapport), la
mémoire est la pointe de RSS du processus (``os.wait4``, comme ``/usr/bin/time -f %M``). On
garde la médiane des temps et la plus haute des pointes de mémoire des N répétitions ; les
mesures d'un même groupe sont lancées à tour de rôle pour qu'une variation de charge de la
machine ne pénalise pas l'une plus que l'autre.

Conditions « installation utilisateur » (tableau principal) : bytecode en cache (un
``pip install`` compile les .pyc ; ici un cache à part, ``PYTHONPYCACHEPREFIX``, pour ne pas
toucher au .venv) et hypothesis rendu introuvable (dépendance de développement seulement :
pandera l'importe s'il est installé). L'effet de l'environnement de développement est mesuré
à part. Là où une cible n'est pas tenue, un profil (``-X importtime`` puis cProfile) dit où va
le temps. Résultats : ``benchmarks/RESULTATS.md`` (``benchmarks/resultats/RESULTATS-rapide.md``
avec ``--rapide``) ; tableaux générés et sorties dans ``benchmarks/resultats/`` (ignoré par git).
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
DUREE_MAX = 900  # secondes : un processus plus long est arrêté (mesure marquée en échec)
BLOQUER = "hypothesis"
# Lance la CLI comme le script ``cdv-regles``, hypothesis rendu introuvable (installation utilisateur).
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
    python: str
    script: Path
    resultats: Path
    cache_bytecode: Path
    cache_vide: Path


def environnement(ctx: Contexte, genre: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(ctx.cache_bytecode)
    if genre == "froid":
        # Aucun .pyc lu ni écrit : tout le code Python est recompilé à chaque lancement.
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONPYCACHEPREFIX"] = str(ctx.cache_vide)
    env.setdefault("LANG", "C.UTF-8")
    return env


def commande(ctx: Contexte, m: Mesure) -> list[str]:
    if m.brute:
        return [ctx.python, "-P", *m.arguments]
    if m.environnement == "utilisateur":
        return [ctx.python, "-P", "-c", PRELUDE, *m.arguments]
    return [str(ctx.script), *m.arguments]


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


def resultat_lisible(m: Mesure) -> str:
    """Ce que la commande a trouvé (nombre de constats, d'erreurs frictionless)."""
    if m.en_echec:
        return f"échec : {m.erreur or 'statut ' + str(m.statuts)}".replace("\n", " ")[:200]
    t = re.search(r"([\d\s\u202f\u00a0]+) dossier\(s\) vérifié\(s\), ([\d\s\u202f\u00a0]+) constat\(s\)"
                  r"(?: : ([^—\n]*))?", m.sortie)
    if t:
        detail = f" ({t.group(3).strip()})" if t.group(3) else ""
        return f"{_entier(t.group(2))} constats{detail}"
    try:
        donnees = json.loads(m.sortie)
        types = ", ".join(f"{t} : {n:,}" for t, n in sorted(donnees.get("par_type", {}).items()))
        return (f"{donnees['erreurs']:,} erreurs ({types}) sur {donnees['lignes']:,} lignes"
                .replace(",", " "))
    except (ValueError, KeyError, TypeError):
        return ""


def _entier(texte: str) -> str:
    return f"{int(re.sub(r'[^0-9]', '', texte)):,}".replace(",", " ")


# --- profil --------------------------------------------------------------------------------------

#: Étapes de ``cdv-regles verifier`` : (libellé, fin du chemin du fichier, fonction).
ETAPES = (
    ("Chargement des règles et des greffons (YAML, pluggy)", "cdv_regles/verification.py", "preparer"),
    ("Lecture du fichier (lecture.lire_table)", "cdv_regles/lecture/__init__.py", "lire_table"),
    ("Conversion des cellules (conversion.convertir)", "cdv_regles/conversion.py", "convertir"),
    ("DataFrame polars (moteur.cadre)", "cdv_regles/moteur.py", "cadre"),
    ("Compilation des règles (moteur.compiler)", "cdv_regles/moteur.py", "compiler"),
    ("Constats de lecture (schema.constats_lecture)", "cdv_regles/schema.py", "constats_lecture"),
    ("Schéma pandera (schema.verifier_schema)", "cdv_regles/schema.py", "verifier_schema"),
    ("Évaluation des règles (moteur.evaluer)", "cdv_regles/moteur.py", "evaluer"),
    ("Contrôles Python des greffons (hook cdv_regles_controles)", "cdv_regles/greffons.py", "appeler"),
    ("Empreinte des règles (verification.version_regles)", "cdv_regles/verification.py", "version_regles"),
    ("Rendu du rapport (rapports.rendre)", "cdv_regles/rapports/__init__.py", "rendre"),
)


@dataclass
class Profil:
    mesure: Mesure
    imports_total: float
    imports: list[tuple[str, float]]  # (paquet, secondes), décroissant
    etapes: list[tuple[str, float]]
    total_profile: float
    fonctions: list[tuple[str, float]]  # temps propre (tottime) le plus élevé
    postes: list[tuple[str, float]]  # les postes principaux (imports par paquet et étapes)


def profiler(ctx: Contexte, m: Mesure) -> Profil | None:
    env = environnement(ctx, m.environnement)
    trace = ctx.resultats / f"importtime-{m.cle}.txt"
    cmd = commande(ctx, m)
    cmd = [cmd[0], "-X", "importtime", *cmd[1:]] if cmd[0] == ctx.python else \
        [ctx.python, "-X", "importtime", str(ctx.script), *cmd[1:]]
    lancer(cmd, env, ctx.resultats, ctx.resultats / f"sortie-profil-{m.cle}.txt", trace)
    imports, modules = imports_par_paquet(trace.read_text(encoding="utf-8", errors="replace"))
    imports_total = sum(d for _, d in imports)

    etapes: list[tuple[str, float]] = []
    fonctions: list[tuple[str, float]] = []
    total = 0.0
    if not m.brute and m.arguments and m.arguments[0] == "verifier":
        liste = ctx.resultats / f"modules-{m.cle}.txt"
        liste.write_text("\n".join(modules), encoding="utf-8")
        prof = ctx.resultats / f"profil-{m.cle}.prof"
        cmd = [ctx.python, "-P", str(ICI / "profiler.py"), str(liste), str(prof)]
        if m.environnement == "utilisateur":
            cmd += ["--bloquer", BLOQUER]
        lancer([*cmd, "--", *m.arguments], env, ctx.resultats,
               ctx.resultats / f"sortie-profil-{m.cle}.txt", ctx.resultats / f"erreurs-profil-{m.cle}.txt")
        if prof.exists():
            stats = pstats.Stats(str(prof))
            cumul: dict[tuple[str, str], float] = {}
            for (fichier, _, fonction), (_, _, propre, cumule, _) in stats.stats.items():  # type: ignore[attr-defined]
                cle = (fichier.replace(os.sep, "/"), fonction)
                cumul[cle] = cumul.get(cle, 0.0) + cumule
                fonctions.append((f"{_court(fichier)}:{fonction}", propre))
            for libelle, suffixe, fonction in ETAPES:
                duree = sum(v for (f, fn), v in cumul.items() if f.endswith(suffixe) and fn == fonction)
                if duree:
                    etapes.append((libelle, duree))
            total = sum(v for (f, fn), v in cumul.items() if f.endswith("cdv_regles/cli.py") and fn == "main")
            if total:
                etapes.append(("Autres (écriture de la sortie, tri, click…)",
                               max(0.0, total - sum(d for _, d in etapes))))
            fonctions.sort(key=lambda kv: -kv[1])
    postes = sorted([(f"Import de {p}", d) for p, d in imports] + etapes, key=lambda kv: -kv[1])
    return Profil(m, imports_total, imports, etapes, total, fonctions[:5], postes[:5])


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


RATIO_CIBLE = 3.0


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
            f"| cdv-regles verifier face à frictionless (types seulement) | {_s(cdv.temps_median)} "
            f"| {_s(fric.temps_median)} | {sens.replace('.', ',')} | ≥ 3× plus rapide "
            f"| {_oui_non(tenue, 'temps')} |"]


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


def rendre(ctx: Contexte, principales: list[Mesure], dev: list[Mesure], profils: list[Profil],
           charges: tuple[str, str], nb_regles: str, options: argparse.Namespace) -> str:
    L = ["# Mesures de performance de cdv-regles", "",
         "Produit par `uv run python benchmarks/mesurer.py"
         + (" --rapide" if options.rapide else "") + f" --repetitions {options.repetitions}"
         + ("" if options.rapide else f" --repetitions-grandes {options.repetitions_grandes}")
         + "` (voir `benchmarks/README.md`). Ne pas modifier à la main : relancer le script.", "",
         "## Machine", "", *machine(ctx),
         f"- Charge moyenne de la machine (1, 5, 15 min) : {charges[0]} au début, {charges[1]} à la fin "
         "(une charge supérieure au nombre de processeurs allonge les temps : le temps CPU est "
         "moins sensible à la charge que le temps total)",
         f"- Règles chargées : {nb_regles}",
         f"- Tableaux : générés par `benchmarks/generer.py` (dossier type 2023, ~{generer.PART_FAUTIFS:.0%} de "
         "dossiers fautifs tirés des exemples invalides des règles), xlsx écrit par openpyxl en mode "
         "write_only (textes dans les cellules : XML deux fois plus gros qu'Excel) et, pour 50 000 "
         "dossiers, aussi comme Excel (`partage.xlsx` : chaînes partagées, XlsxWriter), CSV "
         "point-virgule en Windows-1252 ; date de référence "
         f"{DATE_REFERENCE}.", "",
         "## Résultats (conditions d'une installation utilisateur)", "",
         "Temps total du processus (médiane des répétitions), temps CPU utilisateur + système, "
         "pointe de mémoire résidente (la plus haute des répétitions). Bytecode Python en cache, "
         "hypothesis absent (voir `benchmarks/README.md`).", "",
         *tableau(principales), *ligne_rapport(principales), ""]
    if dev:
        L += ["## Effet de l'environnement de développement (pour information)", "",
              "Le même lancement dans le `.venv` de développement tel quel : hypothesis installé "
              "(pandera l'importe alors), puis en plus sans aucun bytecode (`PYTHONDONTWRITEBYTECODE=1` "
              "et cache vide : tout le code Python, bibliothèque standard comprise, est compilé à chaque "
              "lancement ; le bac à sable de développement est proche de ce cas, car uv n'y a pas "
              "compilé les .pyc des bibliothèques et rien ne les écrit).",
              "", *tableau(dev), ""]
    L += ["## Où va le temps", ""]
    if options.sans_profil:
        L += ["Profils non demandés (`--sans-profil`).", ""]
    elif not profils:
        L += ["Toutes les cibles sont tenues : pas de profil.", ""]
    for p in profils:
        m = p.mesure
        cible = _cible(m) if m.cible_s or m.cible_mio else f"≥ {RATIO_CIBLE:g}× plus rapide que frictionless"
        L += [f"### {m.libelle} — {m.fichier or 'sans fichier'} ({_s(m.temps_median)}, cible {cible})", "",
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

def construire_mesures(fichiers: dict[tuple[int, str], Path], schema: Path, options: argparse.Namespace,
                       ) -> tuple[list[Mesure], list[Mesure]]:
    n, ng = options.repetitions, options.repetitions_grandes
    principales = [
        Mesure("aide", "`cdv-regles --help`", ["--help"], "demarrage", n, cible_s=0.3),
        Mesure("import-classeur", "Bouton : `import cdv_regles.classeur`",
               ["-c", "import cdv_regles.classeur"], "demarrage", n, brute=True, profiler=False),
        Mesure("import-bouton", "Bouton : `import cdv_regles.classeur, xlwings`",
               ["-c", "import cdv_regles.classeur, xlwings"], "demarrage", n, brute=True, profiler=False),
    ]
    tailles = [PETIT] if options.rapide else [PETIT, GRAND]
    for taille in tailles:
        grand = taille == GRAND
        for fmt in ("xlsx", "partage.xlsx", "csv") if grand else ("xlsx", "csv"):
            chemin = fichiers[taille, fmt]
            libelle = f"`cdv-regles verifier` {taille:,} dossiers".replace(",", " ")
            if fmt == "partage.xlsx":
                libelle += " (xlsx écrit comme Excel)"
            m = Mesure(f"verifier-{taille}-{fmt.replace('.', '-')}", libelle,
                       ["verifier", chemin.name, "--date", DATE_REFERENCE], f"t{taille}",
                       ng if grand else n, fichier=chemin.name)
            if grand:
                petit = fichiers[PETIT, "csv" if fmt == "csv" else "xlsx"]
                m.chauffe = [a.replace(chemin.name, petit.name) for a in m.arguments]
            if not grand:
                m.cible_s, m.cible_mio = 1.0, 250
            elif fmt != "csv":
                m.cible_s, m.cible_mio = 5.0, 1024
            principales.append(m)
        if grand:
            chemin = fichiers[taille, "csv"]
            principales.append(Mesure(
                f"frictionless-{taille}-csv", "frictionless (types seulement)",
                [str(ICI / "valider_frictionless.py"), chemin.name, schema.name], f"t{taille}", ng,
                brute=True, profiler=False, fichier=chemin.name,
                chauffe=[str(ICI / "valider_frictionless.py"), fichiers[PETIT, "csv"].name, schema.name]))
    dev = []
    if not options.sans_dev:
        petit = fichiers[PETIT, "xlsx"]
        arguments = ["verifier", petit.name, "--date", DATE_REFERENCE]
        dev = [
            Mesure("dev-aide-froid", "`cdv-regles --help`, sans aucun bytecode", ["--help"], "dev", n,
                   cible_s=0.3, environnement="froid", profiler=False),
            Mesure("dev-verifier", f"`cdv-regles verifier` {PETIT} dossiers, hypothesis installé", arguments,
                   "dev", n, cible_s=1.0, cible_mio=250, environnement="dev", profiler=False, fichier=petit.name),
            Mesure("dev-verifier-froid", f"`cdv-regles verifier` {PETIT} dossiers, hypothesis installé, "
                   "sans aucun bytecode", arguments, "dev", n, cible_s=1.0, cible_mio=250,
                   environnement="froid", profiler=False, fichier=petit.name),
        ]
    return principales, dev


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
    ctx = Contexte(sys.executable, script, resultats, resultats / "pycache", resultats / "pycache-vide")
    ctx.cache_vide.mkdir(exist_ok=True)

    charge_debut = charge()
    print("Préparation des tableaux (générés une fois, puis repris de benchmarks/resultats/)…", flush=True)
    m_modele = generer.modele()
    demandes = [(PETIT, "xlsx"), (PETIT, "csv")]
    if not options.rapide:
        demandes += [(GRAND, "xlsx"), (GRAND, "partage.xlsx"), (GRAND, "csv")]
    fichiers = generer.tableaux(resultats, demandes, m_modele)
    schema = resultats / f"schema-frictionless-{generer.empreinte(m_modele)}.json"
    schema.write_text(json.dumps(generer.schema_frictionless(m_modele), ensure_ascii=False), encoding="utf-8")
    nb_regles = _regles_chargees()

    principales, dev = construire_mesures(fichiers, schema, options)
    groupes: dict[str, list[Mesure]] = {}
    for m in principales + dev:
        groupes.setdefault(m.groupe, []).append(m)
    for nom, mesures in groupes.items():
        print(f"Mesures ({nom})…", flush=True)
        mesurer(ctx, mesures)

    profils = []
    comparaison = comparer(principales)
    # Rapport à frictionless manqué : c'est le temps de cdv-regles sur ce CSV qu'il faut expliquer.
    a_expliquer = comparaison[0] if comparaison and comparaison[2] < RATIO_CIBLE else None
    if not options.sans_profil:
        for m in principales:
            tenue, _ = m.tenue()
            if (tenue is False or m is a_expliquer) and m.profiler and not m.en_echec:
                print(f"Profil : {m.libelle} {m.fichier}…", flush=True)
                p = profiler(ctx, m)
                if p:
                    profils.append(p)
    texte = rendre(ctx, principales, dev, profils, (charge_debut, charge()), nb_regles, options)
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
