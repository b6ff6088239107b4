"""Messages de refus de la lecture (français, code de sortie 2), partagés par les sources."""

from __future__ import annotations

from cdv_regles.adresses import adresse_a1, lettres_colonne
from cdv_regles.erreurs import EntreeInvalide
from cdv_regles.lecture.limites import ENTETES_MIN, LIGNES_ENTETE_MAX, Limites, entier, seuils, taille

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
