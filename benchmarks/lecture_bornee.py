"""Lecture bornée : temps et mémoire de ``cdv-regles verifier`` sur des fichiers hostiles.

    uv run python benchmarks/lecture_bornee.py [--tailles 100,250,500,1000] [--sortie FICHIER]

Chaque fichier pèse quelques Mo sur le disque et se décompresse (ou s'étend) en 100 Mo à 1 Go :
chaînes partagées jamais citées, feuille de textes sans ligne d'en-têtes, tableau de nombres
au-delà des limites, CSV à cellule géante. Les fichiers sont fabriqués par ``tests/hostiles.py``
(les mêmes que les tests, en plus gros) dans ``benchmarks/resultats/hostiles/`` (non committé).

La commande est mesurée comme par ``mesurer.py`` (lanceur minuscule : temps total, pointe de
mémoire résidente, statut) avec les limites par défaut. Le résultat remplace la section
« Lecture bornée » de ``benchmarks/RESULTATS.md`` (``mesurer.py`` la conserve).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

ICI = Path(__file__).resolve().parent
sys.path.insert(0, str(ICI))
sys.path.insert(0, str(ICI.parent / "tests"))

import hostiles  # noqa: E402  (aide des tests, fabrique les fichiers en flux)
from mesurer import DATE_REFERENCE, MIO, ecrire, lancer  # noqa: E402

CSV_MAX_MO = 250
DEBUT, FIN = "<!-- lecture-bornee:debut -->", "<!-- lecture-bornee:fin -->"

#: (libellé, fabrique(chemin, octets décompressés visés), extension)
CAS: list[tuple[str, Callable[[Path, int], Path], str]] = [
    ("Chaînes partagées jamais citées", hostiles.chaines_non_citees, "xlsx"),
    ("Feuille de textes en ligne, sans en-têtes", hostiles.chaines_en_ligne_sans_tableau, "xlsx"),
    ("Un dossier, une ligne vide, puis des lignes de 40 nombres", hostiles.nombres_apres_le_tableau, "xlsx"),
    ("CSV : une cellule géante (guillemet jamais fermé)", hostiles.csv_ligne_geante, "csv"),
    ("CSV de texte sans en-têtes",
     lambda chemin, octets: hostiles.csv_sans_tableau(chemin, octets // 28), "csv"),
]


def _nom(libelle: str) -> str:
    sans_accents = unicodedata.normalize("NFKD", libelle).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", sans_accents.lower()).strip("-")


def _mo(octets: float) -> str:
    return f"{octets / MIO:,.1f} Mo".replace(",", " ").replace(".", ",")


def _s(secondes: float) -> str:
    return f"{secondes:.2f} s".replace(".", ",")


def _taille_etendue(chemin: Path) -> int:
    import zipfile

    if chemin.suffix == ".csv":
        return chemin.stat().st_size
    with zipfile.ZipFile(chemin) as zf:
        return sum(i.file_size for i in zf.infolist())


def _message(sortie: str) -> str:
    ligne = next((x for x in sortie.splitlines() if x.strip()), "")
    ligne = re.sub(r"« /[^»]*»", "« … »", ligne)
    ligne = re.sub(r"(?<!\S)/\S+/([^/\s]+)", r"\1", ligne)  # chemin absolu : le nom seul
    return (ligne[:140] + "…") if len(ligne) > 140 else ligne


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tailles", default="100,250,500,1000", help="tailles étendues visées, en Mo")
    p.add_argument("--sortie", type=Path, default=ICI / "RESULTATS.md")
    options = p.parse_args()
    tailles = [int(t) for t in options.tailles.split(",")]
    dossier = ICI / "resultats" / "hostiles"
    dossier.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CDV_REGLES_")}
    env.setdefault("LANG", "C.UTF-8")
    # Les CSV de plus de 100 Mo (limite par défaut) sont refusés sur leur taille : pour mesurer
    # la lecture elle-même, la limite de taille de fichier est relevée pour eux seuls.
    lignes = []
    charge_debut = os.getloadavg()
    for libelle, fabrique, extension in CAS:
        # Un CSV n'est pas compressé : il pèse sur le disque ce qu'il pèse en mémoire.
        for taille in [t for t in tailles if extension != "csv" or t <= CSV_MAX_MO]:
            chemin = dossier / f"{_nom(libelle)}-{taille}.{extension}"
            if not chemin.exists():
                print(f"Fabrication : {chemin.name}…", flush=True)
                fabrique(chemin, taille * MIO)
            env_cas = dict(env)
            if extension == "csv":
                env_cas["CDV_REGLES_TAILLE_MAX"] = str(taille + 50)
            sortie, erreurs = dossier / "sortie.txt", dossier / "erreurs.txt"
            secondes, cpu, mio, statut = lancer(
                [sys.executable, "-m", "cdv_regles", "verifier", str(chemin), "--date", DATE_REFERENCE],
                env_cas, ICI.parent, sortie, erreurs)
            texte = (sortie.read_text(encoding="utf-8", errors="replace")
                     + erreurs.read_text(encoding="utf-8", errors="replace"))
            print(f"{libelle} ({taille} Mo) : {_s(secondes)}, {mio:.0f} Mio, statut {statut}", flush=True)
            lignes.append((libelle, chemin.stat().st_size, _taille_etendue(chemin), secondes, cpu, mio,
                           statut, _message(texte), extension == "csv"))
    texte = _rendre(lignes, charge_debut, os.getloadavg())
    _remplacer_section(options.sortie, texte)
    print(texte)
    print(f"Écrit : {options.sortie}")
    return 0


def _rendre(lignes: list, charge_debut: tuple[float, ...], charge_fin: tuple[float, ...]) -> str:
    def charge(c: tuple[float, ...]) -> str:
        return ", ".join(f"{x:.1f}".replace(".", ",") for x in c)

    L = [DEBUT, "## Lecture bornée (fichiers hostiles)", "",
         "Produit par `uv run python benchmarks/lecture_bornee.py` (fichiers de `tests/hostiles.py`, "
         "limites par défaut ; pour les CSV, seule la limite de taille de fichier est relevée au-dessus "
         "du fichier, pour mesurer la lecture elle-même). Ne pas modifier à la main : relancer le script.",
         "",
         f"- Date : {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC ; {os.cpu_count()} processeur(s), "
         f"Python {platform.python_version()}",
         f"- Charge moyenne (1, 5, 15 min) : {charge(charge_debut)} au début, {charge(charge_fin)} à la fin "
         "(machine partagée)",
         "",
         "| Cas | Fichier | Étendu | Temps total | CPU | Mémoire de pointe | Statut | Message (début) |",
         "|---|---:|---:|---:|---:|---:|---:|---|"]
    for libelle, disque, etendu, secondes, cpu, mio, statut, message, _ in lignes:
        L.append(f"| {libelle} | {_mo(disque)} | {_mo(etendu)} | {_s(secondes)} | {_s(cpu)} | "
                 f"{mio:.0f} Mio | {statut} | {message.replace('|', '/')} |")
    L += ["", FIN]
    return "\n".join(L) + "\n"


def _remplacer_section(chemin: Path, section: str) -> None:
    ancien = chemin.read_text(encoding="utf-8") if chemin.exists() else ""
    if DEBUT in ancien and FIN in ancien:
        avant, reste = ancien.split(DEBUT, 1)
        _, apres = reste.split(FIN, 1)
        nouveau = avant + section.rstrip("\n") + apres
    else:
        nouveau = ancien.rstrip("\n") + "\n\n" + section
    ecrire(chemin, nouveau)


if __name__ == "__main__":
    sys.exit(main())
