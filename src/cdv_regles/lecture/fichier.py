"""Le fichier donné : vérifications avant lecture (existence, nature, taille) et lecture d'octets."""

from __future__ import annotations

import stat
from pathlib import Path

from cdv_regles.erreurs import EntreeInvalide
from cdv_regles.lecture.limites import Limites, taille, variable
from cdv_regles.lecture.messages import CONSEIL_FORMAT, systeme


def examiner(p: Path, nom: str, limites: Limites) -> bytes:
    """Les 8 premiers octets du fichier, après avoir vérifié qu'il est lisible et pas trop gros."""
    try:
        if p.is_dir():
            raise EntreeInvalide(
                f"« {nom} » est un dossier : donnez le chemin du classeur (.xlsx) ou du fichier CSV.")
        etat = p.stat()
        if not stat.S_ISREG(etat.st_mode):
            raise EntreeInvalide(
                f"« {nom} » n'est pas un fichier ordinaire : donnez le chemin du classeur (.xlsx) "
                "ou du fichier CSV.")
        octets = etat.st_size
        with open(p, "rb") as f:
            debut = f.read(8)
    except FileNotFoundError:
        raise EntreeInvalide(f"Le fichier « {nom} » est introuvable : vérifiez le chemin.") from None
    except PermissionError:
        raise EntreeInvalide(
            f"Le fichier « {nom} » ne peut pas être lu (accès refusé) : s'il est ouvert dans un "
            "autre programme, fermez-le, ou vérifiez vos droits sur le fichier.") from None
    except OSError as e:
        raise illisible(nom, e) from None
    if octets == 0:
        raise EntreeInvalide(f"Le fichier « {nom} » est vide (0 octet). {CONSEIL_FORMAT}")
    if octets > limites.taille_fichier_max:
        raise EntreeInvalide(
            f"Le fichier « {nom} » fait {taille(octets)}, plus que la limite de "
            f"{taille(limites.taille_fichier_max)} : vérifiez qu'il s'agit bien du tableau de "
            f"programmation, ou augmentez la limite avec {variable('taille_fichier_max', octets)}.")
    return debut


def illisible(nom: str, e: OSError) -> EntreeInvalide:
    return EntreeInvalide(f"Le fichier « {nom} » ne peut pas être lu ({systeme(e)}) : vérifiez le "
                          "chemin et vos droits, ou copiez le fichier sur votre poste.")


def lire_octets(p: Path, nom: str, limites: Limites) -> bytes:
    try:
        with open(p, "rb") as f:
            donnees = f.read(limites.taille_fichier_max + 1)
    except OSError as e:
        raise illisible(nom, e) from None
    if len(donnees) > limites.taille_fichier_max:  # le fichier a grossi depuis la vérification
        raise EntreeInvalide(
            f"Le fichier « {nom} » dépasse la limite de {taille(limites.taille_fichier_max)} : "
            f"augmentez-la avec {variable('taille_fichier_max', 2 * limites.taille_fichier_max)}.")
    return donnees
