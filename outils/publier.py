"""Publie cdv-regles en une commande : un dossier prêt à donner aux postes et aux CI.

    uv run python outils/publier.py                  # → dist/publication-<version>/
    uv run python outils/publier.py --sortie DOSSIER --remplacer

Le dossier contient les roues (wheels) du socle, des sept greffons et du méta-paquet du
territoire ``cdv-regles-valenciennes`` (qui dépend de chacun à sa version exacte), le fichier
``dependances.txt`` (les paquets publics, versions et empreintes de ``uv.lock``), le classeur
``programmation-2023.xlsm``, ``installer.cmd`` (le poste Windows) et ``LISEZMOI.txt``.

La version vient d'un seul endroit, ``__version__`` de ``src/cdv_regles/__init__.py`` : chaque
pyproject du dépôt la lit (``tool.hatch.version``) ; la publication refuse de partir si l'un d'eux
en déclare une autre. Un dossier existant n'est remplacé qu'avec ``--remplacer``.
Statuts : 0 publié, 2 publication impossible (message en français).
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

DEPOT = Path(__file__).resolve().parents[1]
MODELES = DEPOT / "outils" / "publication"
SOURCE_VERSION = DEPOT / "src" / "cdv_regles" / "__init__.py"
CLASSEUR = DEPOT / "classeurs" / "programmation-2023.xlsm"
#: Le méta-paquet du territoire : le socle et tous les greffons du dépôt, épinglés.
META_PAQUET = "cdv-regles-valenciennes"
MOTIF_VERSION = re.compile(r'^__version__\s*=\s*["\']([^"\']+)["\']', re.MULTILINE)


class ErreurPublication(Exception):
    """Publication impossible : le message dit pourquoi et quoi faire."""


def lire_version(chemin: Path) -> str:
    m = MOTIF_VERSION.search(chemin.read_text(encoding="utf-8"))
    if m is None:
        raise ErreurPublication(f"{chemin} ne déclare pas __version__ = \"X.Y.Z\".")
    return m[1]


def membres(depot: Path = DEPOT) -> list[Path]:
    """Les pyproject.toml du projet : la racine (le socle) puis les membres de l'espace uv."""
    racine = depot / "pyproject.toml"
    motifs = tomllib.loads(racine.read_text(encoding="utf-8"))["tool"]["uv"]["workspace"]["members"]
    trouves = sorted({Path(p) / "pyproject.toml" for m in motifs for p in glob.glob(str(depot / m))})
    return [racine, *(p for p in trouves if p.is_file())]


def version_declaree(pyproject: Path) -> tuple[str, str, Path | None]:
    """(nom, version, fichier source de la version ou None si elle est écrite en dur)."""
    projet = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    nom = projet["project"]["name"]
    if "version" in projet["project"]:
        return nom, str(projet["project"]["version"]), None
    chemin = projet.get("tool", {}).get("hatch", {}).get("version", {}).get("path")
    if "version" not in projet["project"].get("dynamic", []) or not chemin:
        raise ErreurPublication(f"{pyproject} : ni version, ni tool.hatch.version.path.")
    source = (pyproject.parent / chemin).resolve()
    return nom, lire_version(source), source


def versions(depot: Path = DEPOT) -> dict[str, str]:
    """Nom → version de chaque paquet du dépôt ; erreur s'ils ne la lisent pas tous au même endroit."""
    source_attendue = (depot / SOURCE_VERSION.relative_to(DEPOT)).resolve()
    attendue = lire_version(source_attendue)
    trouvees = {}
    ecarts = []
    for pyproject in membres(depot):
        nom, version, source = version_declaree(pyproject)
        trouvees[nom] = version
        if source != source_attendue:
            ou = source.relative_to(depot) if source else "écrite en dur"
            ecarts.append(f"{pyproject.relative_to(depot)} : {version} ({ou})")
    if ecarts:
        raise ErreurPublication(
            f"toutes les versions doivent venir de {source_attendue.relative_to(depot)} ({attendue}) ; "
            f"écarts : {'; '.join(ecarts)}. Remplacez « version = … » par dynamic = [\"version\"] et "
            "[tool.hatch.version] path = … comme dans les autres pyproject.toml.")
    return trouvees


def remplir(modele: str, **valeurs: str) -> str:
    for cle, valeur in valeurs.items():
        modele = modele.replace(f"@{cle}@", valeur)
    reste = re.findall(r"@[A-Z_]+@", modele)
    if reste:
        raise ErreurPublication(f"modèle de publication incomplet : {', '.join(sorted(set(reste)))}.")
    return modele


def lancer(*commande: str, cwd: Path = DEPOT) -> None:
    p = subprocess.run(commande, cwd=cwd, capture_output=True, text=True, encoding="utf-8", check=False)
    if p.returncode != 0:
        raise ErreurPublication(f"« {' '.join(commande)} » a échoué (statut {p.returncode}) :\n"
                                f"{(p.stderr or p.stdout).strip()}")


def uv() -> str:
    chemin = os.environ.get("UV") or shutil.which("uv")  # uv run donne son propre chemin dans UV
    if chemin is None:
        raise ErreurPublication("uv est introuvable : installez-le (voir README.md, « Démarrer »).")
    return chemin


def pyproject_meta(version: str, paquets: dict[str, str]) -> str:
    socle = tomllib.loads((DEPOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dependances = "\n".join(f'    "{nom}=={v}",' for nom, v in paquets.items())
    return remplir((MODELES / "pyproject.toml.tmpl").read_text(encoding="utf-8"), PAQUET=META_PAQUET,
                   VERSION=version, REQUIRES_PYTHON=socle["requires-python"], DEPENDANCES=dependances)


def installeur(version: str) -> bytes:
    texte = remplir((MODELES / "installer.cmd").read_text(encoding="utf-8"), VERSION=version, PAQUET=META_PAQUET)
    # cmd.exe lit mal les étiquettes (goto) d'un fichier aux fins de ligne Unix.
    return texte.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def publier(sortie: Path | None = None, *, remplacer: bool = False) -> Path:
    paquets = versions()
    version = paquets[next(iter(paquets))]
    sortie = (sortie or DEPOT / "dist" / f"publication-{version}").resolve()
    if sortie.exists() and not remplacer:
        raise ErreurPublication(f"{sortie} existe déjà : rien n'est remplacé. Ajoutez --remplacer, "
                                "ou choisissez un autre --sortie.")
    if not CLASSEUR.is_file():
        raise ErreurPublication(f"le classeur {CLASSEUR.relative_to(DEPOT)} est absent : générez-le "
                                "(classeurs/README.md, « Régénérer le classeur »).")
    sortie.parent.mkdir(parents=True, exist_ok=True)
    outil = uv()
    with tempfile.TemporaryDirectory(prefix=f".{sortie.name}-", dir=sortie.parent) as travail:
        dossier = Path(travail) / "publication"
        dossier.mkdir()
        lancer(outil, "build", "--all-packages", "--wheel", "--out-dir", str(dossier))
        meta = Path(travail) / META_PAQUET
        meta.mkdir()
        (meta / "pyproject.toml").write_text(pyproject_meta(version, paquets), encoding="utf-8")
        lancer(outil, "build", "--wheel", "--out-dir", str(dossier), str(meta))
        (dossier / ".gitignore").unlink(missing_ok=True)  # uv en écrit un (« * ») : le dossier se versionne
        dependances = Path(travail) / "dependances.txt"
        lancer(outil, "export", "--locked", "--no-dev", "--no-default-groups", "--no-emit-workspace",
               "--no-header", "--format", "requirements-txt", "--output-file", str(dependances))
        (dossier / "dependances.txt").write_text(
            f"# Paquets publics de cdv-regles {version} (pypi.org), aux versions et empreintes de uv.lock.\n"
            "# Installés par installer.cmd et les modèles de CI avec pip install --require-hashes -r.\n"
            + dependances.read_text(encoding="utf-8"), encoding="utf-8")
        shutil.copy2(CLASSEUR, dossier / CLASSEUR.name)
        (dossier / "installer.cmd").write_bytes(installeur(version))
        (dossier / "LISEZMOI.txt").write_text(
            remplir((MODELES / "LISEZMOI.txt").read_text(encoding="utf-8"), VERSION=version, PAQUET=META_PAQUET),
            encoding="utf-8")
        roues = sorted(p.name for p in dossier.glob("*.whl"))
        if len(roues) != len(paquets) + 1:
            raise ErreurPublication(f"{len(paquets) + 1} roues attendues, {len(roues)} construites : {roues}.")
        if sortie.exists():
            shutil.rmtree(sortie)
        dossier.rename(sortie)
    return sortie


def main(argv: list[str] | None = None) -> int:
    analyse = argparse.ArgumentParser(prog="outils/publier.py", description=__doc__.splitlines()[0])
    analyse.add_argument("--sortie", type=Path, help="dossier à écrire (défaut : dist/publication-<version>)")
    analyse.add_argument("--remplacer", action="store_true", help="remplace le dossier s'il existe")
    args = analyse.parse_args(argv)
    try:
        sortie = publier(args.sortie, remplacer=args.remplacer)
    except ErreurPublication as e:
        print(f"Erreur : {e}", file=sys.stderr)
        return 2
    fichiers = sorted(p.name for p in sortie.iterdir())
    print(f"Publication écrite dans {sortie} ({len(fichiers)} fichiers) :")
    for nom in fichiers:
        print(f"  {nom}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
