"""Écritures qui ne peuvent pas nuire — le seul endroit où cdv-regles crée un fichier.

- la cible est d'abord écrite dans un fichier provisoire du même dossier, puis publiée d'un coup :
  un arrêt en cours de route ne laisse jamais un fichier à moitié écrit ;
- « ne jamais écraser » est exclusif : la publication passe par ``os.link`` (ou ``O_EXCL`` là où
  les liens n'existent pas), qui échoue si un fichier est apparu entre-temps — il n'est jamais
  remplacé, même créé une milliseconde avant ;
- une cible qui existe et n'est pas un fichier ordinaire (``/dev/null``, un tube, un dossier) est
  refusée : elle n'est jamais remplacée par un fichier ;
- ``-`` écrit sur la sortie standard ;
- le fichier vérifié (``protege``) n'est jamais la cible ;
- fichiers et dossiers créés suivent le umask (droits habituels, pour un dossier partagé).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from cdv_regles.erreurs import ErreurCdv

SORTIE_STANDARD = "-"


def est_sortie_standard(chemin: Path | str | None) -> bool:
    return chemin is not None and str(chemin) == SORTIE_STANDARD


def verifier_cible(chemin: Path) -> None:
    """Refuse une cible qui existe sans être un fichier ordinaire (périphérique, tube, dossier)."""
    try:
        mode = os.stat(chemin).st_mode
    except FileNotFoundError:
        return
    except OSError:  # chemin invalide, droits : l'écriture dira ce qui ne va pas
        return
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        quoi = "est un dossier"
    elif stat.S_ISFIFO(mode):
        quoi = "est un tube (FIFO)"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        quoi = "est un périphérique"
    else:
        quoi = "n'est pas un fichier ordinaire"
    raise ErreurCdv(f"{chemin} {quoi} : cdv-regles n'écrit que dans un fichier ordinaire et ne le "
                    "remplace jamais. Donnez un nom de fichier, ou « - » pour écrire sur la sortie standard.")


def umask() -> int:
    masque = os.umask(0)
    os.umask(masque)
    return masque


def _mode_fichier(chemin: Path) -> int:
    """Droits du fichier remplacé s'il existe, sinon ceux d'un fichier neuf (umask)."""
    try:
        return os.stat(chemin).st_mode & 0o777
    except OSError:
        return 0o666 & ~umask()


def _avant_ecriture(chemin: Path, protege: Path | None) -> Path:
    if protege is not None:
        with contextlib.suppress(OSError):
            if os.path.samefile(chemin, protege):
                raise ErreurCdv(f"{chemin} est le fichier vérifié : choisissez un autre fichier de sortie.")
    verifier_cible(chemin)
    dossier = chemin.parent if str(chemin.parent) else Path(".")
    if not dossier.is_dir():
        raise ErreurCdv(f"le dossier {dossier} n'existe pas : créez-le ou choisissez un autre chemin.")
    return dossier


def refuser_si_existe(chemin: Path, conseil: str = "") -> None:
    """Échoue tout de suite (avant un long travail) si ``chemin`` existe déjà."""
    if os.path.lexists(chemin):
        raise ErreurCdv(f"{chemin} existe déjà : il n'est jamais écrasé.{' ' + conseil if conseil else ''}")


@contextlib.contextmanager
def fichier_provisoire(chemin: Path, *, remplacer: bool = True, protege: Path | None = None,
                       conseil: str = "") -> Iterator[Path]:
    """Donne un fichier provisoire à remplir, publié à ``chemin`` si tout s'est bien passé.

    ``remplacer=False`` : la publication est exclusive (un fichier présent, même apparu pendant
    l'écriture, n'est jamais remplacé : ErreurCdv, ``conseil`` dit quoi faire).
    """
    chemin = Path(chemin)
    dossier = _avant_ecriture(chemin, protege)
    if not remplacer:
        refuser_si_existe(chemin, conseil)
    try:
        fd, nom = tempfile.mkstemp(prefix=f".{chemin.name}.", suffix=".tmp", dir=dossier)
    except OSError as e:
        raise ErreurCdv(f"impossible d'écrire dans {dossier} ({e.strerror}).") from None
    os.close(fd)
    provisoire = Path(nom)
    try:
        yield provisoire
        os.chmod(provisoire, _mode_fichier(chemin) if remplacer else 0o666 & ~umask())
        verifier_cible(chemin)  # devenu un tube ou un dossier pendant l'écriture ?
        if remplacer:
            os.replace(provisoire, chemin)
        else:
            _publier_exclusif(provisoire, chemin, conseil)
    except OSError as e:
        raise ErreurCdv(f"impossible d'écrire {chemin} ({e.strerror or e}) : rien n'a été remplacé. "
                        "Vérifiez la place disponible et les droits du dossier.") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(provisoire)


def _publier_exclusif(provisoire: Path, chemin: Path, conseil: str) -> None:
    try:
        os.link(provisoire, chemin)  # atomique et exclusif : échoue si chemin existe
        return
    except FileExistsError:
        raise ErreurCdv(f"{chemin} est apparu pendant l'écriture : il n'a pas été remplacé."
                        f"{' ' + conseil if conseil else ''}") from None
    except OSError as e:
        if e.errno not in {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK,
                           errno.ENOSYS, errno.EACCES}:
            raise
    # Système de fichiers sans liens (FAT, certains partages) : création exclusive O_EXCL.
    try:
        fd = os.open(chemin, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except FileExistsError:
        raise ErreurCdv(f"{chemin} est apparu pendant l'écriture : il n'a pas été remplacé."
                        f"{' ' + conseil if conseil else ''}") from None
    try:
        with os.fdopen(fd, "wb") as sortie, open(provisoire, "rb") as source:
            shutil.copyfileobj(source, sortie)
            sortie.flush()
            os.fsync(sortie.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(chemin)  # le nôtre, à moitié écrit
        raise


def ecrire_octets(chemin: Path, donnees: bytes, *, protege: Path | None = None, remplacer: bool = True,
                  conseil: str = "") -> None:
    """Écrit ``donnees`` à ``chemin`` (``-`` : sortie standard), d'un coup."""
    if est_sortie_standard(chemin):
        flux = _sortie_standard_binaire()
        flux.write(donnees)
        flux.flush()
        return
    with (fichier_provisoire(Path(chemin), remplacer=remplacer, protege=protege, conseil=conseil) as provisoire,
          open(provisoire, "wb") as f):
        f.write(donnees)
        f.flush()
        os.fsync(f.fileno())


def ecrire_texte(chemin: Path, texte: str, *, protege: Path | None = None, remplacer: bool = True,
                 conseil: str = "") -> None:
    ecrire_octets(chemin, texte.encode("utf-8"), protege=protege, remplacer=remplacer, conseil=conseil)


def _sortie_standard_binaire():  # type: ignore[no-untyped-def]
    sys.stdout.flush()
    return getattr(sys.stdout, "buffer", sys.stdout)  # octets tels quels, quel que soit l'encodage de la console


def creer_dossier(chemin: Path) -> None:
    """Crée ``chemin`` (et ses parents) avec les droits du umask."""
    os.makedirs(chemin, mode=0o777, exist_ok=True)


def ecrire_arborescence(cible: Path, fichiers: Mapping[str, str], conseil: str = "") -> None:
    """Crée le dossier ``cible`` et ses fichiers (chemins relatifs → texte UTF-8), sans jamais
    toucher un ``cible`` existant, même apparu pendant l'écriture.

    L'arborescence est écrite à côté, puis ``cible`` est créé par ``mkdir`` (exclusif) et reçoit
    son contenu ; en cas d'échec, ce qui a été créé est retiré.
    """
    cible = Path(cible)
    dossier = cible.parent
    if not dossier.is_dir():
        raise ErreurCdv(f"le dossier {dossier} n'existe pas : créez-le ou choisissez-en un autre.")
    refuser_si_existe(cible, conseil)
    try:
        provisoire = Path(tempfile.mkdtemp(prefix=f".{cible.name}.", dir=dossier))
    except OSError as e:
        raise ErreurCdv(f"impossible d'écrire dans {dossier} ({e.strerror}).") from None
    cree = False
    try:
        os.chmod(provisoire, 0o777 & ~umask())  # mkdtemp crée en 0700
        for relatif, texte in fichiers.items():
            chemin = provisoire / relatif
            creer_dossier(chemin.parent)
            chemin.write_text(texte, encoding="utf-8")
        try:
            os.mkdir(cible)  # exclusif : échoue si cible existe, quelle qu'en soit la nature
        except FileExistsError:
            raise ErreurCdv(f"{cible} est apparu pendant l'écriture : rien n'y a été écrit."
                            f"{' ' + conseil if conseil else ''}") from None
        cree = True
        for membre in sorted(os.listdir(provisoire)):
            os.rename(provisoire / membre, cible / membre)
        cree = False  # terminé : on garde
    except OSError as e:
        raise ErreurCdv(f"impossible d'écrire {cible} ({e.strerror or e}) : rien n'a été gardé.") from None
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(provisoire)
        if cree:
            with contextlib.suppress(OSError):
                shutil.rmtree(cible)
