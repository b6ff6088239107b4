"""Messages de refus de la lecture (français, code de sortie 2), partagés par les sources."""

from __future__ import annotations

import errno
import zipfile
import zlib

from cdv_regles.adresses import adresse_a1, lettres_colonne
from cdv_regles.erreurs import EntreeInvalide
from cdv_regles.lecture.limites import ENTETES_MIN, LIGNES_ENTETE_MAX, Limites, entier, seuils, taille, variable

CONSEIL_FORMAT = "Enregistrez-le depuis Excel au format .xlsx ou CSV (séparateur point-virgule)."


def pas_un_tableur(nom: str, raison: str) -> EntreeInvalide:
    return EntreeInvalide(
        f"Le fichier « {nom} » n'est pas un classeur lisible (xlsx, xlsm, ods) ni un CSV : "
        f"{raison}. {CONSEIL_FORMAT}")


def abime(nom: str, detail: str) -> EntreeInvalide:
    return EntreeInvalide(
        f"Le fichier « {nom} » est abîmé ou incomplet ({detail}) : rouvrez l'original dans Excel "
        "et enregistrez-le de nouveau au format .xlsx, ou demandez une nouvelle copie.")


def protege(nom: str) -> EntreeInvalide:
    return EntreeInvalide(
        f"Le classeur « {nom} » est protégé par un mot de passe (chiffré) : l'outil ne peut pas le "
        "lire. Ouvrez-le dans Excel, retirez le mot de passe (Fichier > Informations > Protéger "
        "le classeur > Chiffrer avec mot de passe : effacez-le) et enregistrez-le.")


def bombe(nom: str, limites: Limites) -> EntreeInvalide:
    return EntreeInvalide(
        f"Le fichier « {nom} » se décompresse en plus de {taille(limites.taille_decompressee_max)} "
        "(limite de sécurité contre les « bombes de décompression ») : vérifiez qu'il s'agit bien "
        "du tableau de programmation ; si oui, augmentez la limite avec la variable "
        "d'environnement CDV_REGLES_TAILLE_DECOMPRESSEE_MAX (en Mo).")


def liste_feuilles(noms: list[str]) -> str:
    return ", ".join(f"« {n} »" for n in noms) or "aucune"


def trop_loin(nom: str, feuille: str, position: tuple[int, int], limites: Limites) -> EntreeInvalide:
    adresse = adresse_a1(position[1], position[0] + 1)
    lignes, colonnes = seuils(limites)
    return EntreeInvalide(
        f"La feuille « {feuille} » de « {nom} » contient une valeur en {adresse}, très loin du "
        f"tableau (au-delà de la ligne {entier(lignes)} ou de la colonne {lettres_colonne(colonnes - 1)}) : "
        "effacez ce qui dépasse (Ctrl+Fin dans Excel montre la dernière cellule utilisée), ou "
        "augmentez les limites avec les variables d'environnement CDV_REGLES_LIGNES_MAX et "
        "CDV_REGLES_COLONNES_MAX.")


def sans_entete(ou: str) -> EntreeInvalide:
    """Aucune ligne d'en-têtes dans ``ou`` (« la feuille … de … », ou le fichier et ses feuilles)."""
    return EntreeInvalide(
        f"Aucun tableau de programmation trouvé dans {ou} : il faut une ligne d'en-têtes "
        "comme « N° dossier », « Porteur », « SIRET », « Coût total de l'action »… (au moins "
        f"{ENTETES_MIN} en-têtes du modèle dans les {LIGNES_ENTETE_MAX} premières lignes). "
        "Vérifiez le fichier choisi, ou nommez « Programmation » la feuille du tableau.")


def trop_de_colonnes(chemin: str, colonnes: int, limites: Limites) -> EntreeInvalide:
    return EntreeInvalide(
        f"Le tableau de « {chemin} » a {colonnes} colonnes, plus que la limite de "
        f"{limites.colonnes_max} : supprimez les colonnes inutiles, ou augmentez la limite avec "
        "la variable d'environnement CDV_REGLES_COLONNES_MAX.")


def trop_de_lignes(chemin: str, limites: Limites) -> EntreeInvalide:
    return EntreeInvalide(
        f"Le tableau de « {chemin} » a plus de {entier(limites.lignes_max)} lignes de "
        "données (limite de sécurité) : vérifiez qu'il ne se prolonge pas par erreur, ou "
        "augmentez la limite avec la variable d'environnement CDV_REGLES_LIGNES_MAX.")


def trop_de_cellules(ou: str, cellules: int, limites: Limites) -> EntreeInvalide:
    """``ou`` : « La feuille « … » de « … » » ou « Le classeur « … » »."""
    return EntreeInvalide(
        f"{ou} contient plus de {entier(limites.cellules_max)} "
        f"cellules remplies ({entier(cellules)} au moins) : un tableau de programmation en a "
        "bien moins. Vérifiez qu'il s'agit du bon fichier et effacez ce qui dépasse le tableau "
        f"(Ctrl+Fin dans Excel montre la dernière cellule utilisée) ; sinon, relevez la limite "
        f"avec {variable('cellules_max')}.")


def trop_de_chaines(nom: str, chaines: int, limites: Limites) -> EntreeInvalide:
    return EntreeInvalide(
        f"Le classeur « {nom} » contient plus de {entier(limites.chaines_max)} textes différents "
        f"(chaînes partagées : {entier(chaines)} au moins), bien plus qu'un tableau de "
        "programmation (limite de sécurité) : vérifiez qu'il s'agit du bon fichier, ou "
        "enregistrez-le de nouveau depuis Excel (Fichier > Enregistrer sous, .xlsx), ce qui "
        f"retire les textes inutilisés ; si besoin, relevez la limite avec {variable('chaines_max')}.")


def chaines_trop_grosses(nom: str, limites: Limites) -> EntreeInvalide:
    return EntreeInvalide(
        f"Les textes du classeur « {nom} » (chaînes partagées) dépassent "
        f"{taille(limites.chaines_taille_max)} une fois décompressés (limite de sécurité) : "
        "vérifiez qu'il s'agit du bon fichier, ou enregistrez-le de nouveau depuis Excel "
        "(Fichier > Enregistrer sous, .xlsx), ce qui retire les textes inutilisés ; si besoin, "
        f"relevez la limite avec {variable('chaines_taille_max')}.")


def formules_sans_valeur(nom: str, feuille: str, cellules: list[str], total: int) -> EntreeInvalide:
    liste = ", ".join(cellules[:5]) + (f"… ({entier(total)} cellules)" if total > 5 else "")
    return EntreeInvalide(
        f"La feuille « {feuille} » de « {nom} » contient des formules sans valeur calculée "
        f"(cellule{'s' if total > 1 else ''} {liste}) : le fichier a été enregistré par un "
        "programme qui ne calcule pas les formules, et l'outil ne lit que leur résultat : "
        "recalculez le classeur dans Excel (ou LibreOffice) puis enregistrez (Ctrl+Alt+F9 "
        "recalcule tout), et relancez la vérification.")


# --- causes techniques, en français (jamais le texte anglais de zipfile, zlib, csv ou du système)

_ERRNO = {
    errno.ENOENT: "fichier introuvable",
    errno.EACCES: "accès refusé",
    errno.EPERM: "opération non permise",
    errno.EIO: "erreur de lecture du disque",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.ELOOP: "liens symboliques en boucle",
    errno.ENOMEM: "mémoire insuffisante",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.ENFILE: "trop de fichiers ouverts",
    errno.EBUSY: "fichier occupé par un autre programme",
    errno.ETIMEDOUT: "délai dépassé (lecteur réseau ?)",
    errno.ESTALE: "lecteur réseau déconnecté",
    errno.ENXIO: "périphérique absent",
    errno.ENODEV: "périphérique absent",
    errno.EINVAL: "opération invalide sur ce fichier",
}


def systeme(e: OSError) -> str:
    """La cause d'une erreur du système, en français."""
    if e.errno in _ERRNO:
        return _ERRNO[e.errno]
    return f"erreur du système n° {e.errno}" if e.errno else "erreur du système"


def detail(e: BaseException) -> str:
    """La cause d'une erreur de décompression ou de lecture, en français."""
    if isinstance(e, zlib.error):
        return "données compressées corrompues"
    if isinstance(e, zipfile.BadZipFile):
        texte = str(e).lower()
        if "crc" in texte:
            return "somme de contrôle (CRC) fausse : le fichier a été altéré"
        if "truncated" in texte or "overlap" in texte or "offset" in texte:
            return "archive tronquée ou mal assemblée"
        if "not a zip file" in texte:
            return "ce n'est pas une archive zip"
        return "structure de l'archive zip invalide"
    if isinstance(e, EOFError):
        return "fin de fichier inattendue : le fichier est tronqué"
    if isinstance(e, OSError):
        return systeme(e)
    if isinstance(e, MemoryError):
        return "mémoire insuffisante"
    return "structure invalide"
