"""Les millésimes : périodes de vigueur des règles, millésimes qui existent, millésime d'une date.

Une règle (ou un fichier de règles) dit de quel millésime à quel millésime elle s'applique :
``en_vigueur: {depuis: 2023, jusqu_a: null}`` (``null`` : sans fin prévue). Un millésime
**existe** quand le socle a son calendrier (les paramètres ``ouverture_appel`` et
``fin_bilans``) : c'est la fenêtre de dates qu'il couvre (de l'ouverture de l'appel, à l'automne
N-1, à la dernière date de bilan, en N). Un millésime qui n'existe pas est refusé, jamais
vérifié avec les règles d'une autre année.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from cdv_regles.erreurs import ErreurCdv, RegleInvalide

# Les deux paramètres du socle qui bornent la fenêtre d'un millésime.
OUVERTURE, FIN = "ouverture_appel", "fin_bilans"
COMMANDE_NOUVEAU = "cdv-regles millesime nouveau"


@dataclass(frozen=True)
class EnVigueur:
    depuis: int | None = None  # None : depuis toujours
    jusqu_a: int | None = None  # None : sans fin prévue

    def couvre(self, millesime: int) -> bool:
        return (self.depuis is None or self.depuis <= millesime) and \
            (self.jusqu_a is None or millesime <= self.jusqu_a)

    def texte(self) -> str:
        if self.jusqu_a is None:
            return f"depuis {self.depuis}" if self.depuis else "toujours"
        return f"de {self.depuis} à {self.jusqu_a}" if self.depuis else f"jusqu'à {self.jusqu_a}"


TOUJOURS = EnVigueur()


def lire_en_vigueur(chemin: str, valeur: Any, regle: str | None = None,
                    defaut: EnVigueur = TOUJOURS) -> EnVigueur:
    """``{depuis: 2023, jusqu_a: null}`` ; une clé absente reprend celle de ``defaut``."""
    if valeur is None:
        return defaut
    if not isinstance(valeur, dict) or set(valeur) - {"depuis", "jusqu_a"}:
        raise RegleInvalide(chemin, "« en_vigueur » s'écrit {depuis: 2023, jusqu_a: null}", regle)
    bornes = []
    for cle in ("depuis", "jusqu_a"):
        b = valeur.get(cle, getattr(defaut, cle))
        if b is not None and (isinstance(b, bool) or not isinstance(b, int) or not 2000 <= b <= 2100):
            raise RegleInvalide(chemin, f"en_vigueur.{cle} : une année (p. ex. 2023) ou null, vu « {b} »", regle)
        bornes.append(b)
    if bornes[0] is not None and bornes[1] is not None and bornes[1] < bornes[0]:
        raise RegleInvalide(chemin, f"en_vigueur : jusqu_a ({bornes[1]}) avant depuis ({bornes[0]})", regle)
    return EnVigueur(*bornes)


class MillesimeAbsent(ErreurCdv):
    """Le millésime demandé (ou celui de la date de référence) n'a pas de règles : statut 2."""


def _liste(millesimes: list[int]) -> str:
    return ", ".join(map(str, millesimes)) if millesimes else "aucun"


def refus_millesime(millesime: int, disponibles: list[int]) -> MillesimeAbsent:
    return MillesimeAbsent(
        f"pas de règles pour le millésime {millesime} (millésimes disponibles : {_liste(disponibles)}). "
        f"Choisissez --millesime parmi ceux-ci, ou ouvrez ce millésime avec « {COMMANDE_NOUVEAU} "
        f"{millesime} » puis renseignez ses paramètres (dates, enveloppes, listes) d'après sa note de cadrage.")


def refus_date(date: dt.date, fenetres: dict[int, tuple[dt.date, dt.date]]) -> MillesimeAbsent:
    couvertes = "; ".join(f"{m} : du {a:%d/%m/%Y} au {b:%d/%m/%Y}" for m, (a, b) in sorted(fenetres.items()))
    annee = date.year + 1 if date.month >= 7 else date.year
    return MillesimeAbsent(
        f"aucun millésime ne couvre la date de référence {date:%d/%m/%Y} (millésimes disponibles : "
        f"{couvertes or 'aucun'}). Donnez --millesime pour vérifier un tableau d'une année passée, "
        f"ou ouvrez le millésime de cette date avec « {COMMANDE_NOUVEAU} {annee} » puis renseignez ses "
        "paramètres.")


def millesime_de_la_date(date: dt.date, fenetres: dict[int, tuple[dt.date, dt.date]]) -> int:
    """Le millésime dont la fenêtre couvre ``date`` ; le plus récent si deux fenêtres se chevauchent
    (à l'automne N, l'appel N+1 est ouvert pendant que courent les bilans N : on prépare N+1)."""
    couvrants = [m for m, (a, b) in fenetres.items() if a <= date <= b]
    if not couvrants:
        raise refus_date(date, fenetres)
    return max(couvrants)


def fenetres(parametres: Any) -> dict[int, tuple[dt.date, dt.date]]:
    """Millésime -> (ouverture de l'appel, dernière date de bilan), pour chaque millésime dont le
    socle donne les deux dates. Une valeur encore « à renseigner » ouvre le millésime sans
    fenêtre : il existe (on le refuse en nommant ce qui manque) mais ne couvre aucune date."""
    ouverture, fin = parametres.tous.get(OUVERTURE), parametres.tous.get(FIN)
    if ouverture is None or fin is None:
        return {}
    annees = {a for p in (ouverture, fin) for d, f, _ in p.periodes for a in range(d, (f or d) + 1)}
    resultat = {}
    for m in sorted(annees):
        a, b = ouverture.valeur(m), fin.valeur(m)
        if isinstance(a, dt.date) and isinstance(b, dt.date):
            resultat[m] = (a, b)
    return resultat


def disponibles(parametres: Any) -> list[int]:
    """Les millésimes qui existent : ceux dont le socle a le calendrier (même à renseigner)."""
    ouverture, fin = parametres.tous.get(OUVERTURE), parametres.tous.get(FIN)
    if ouverture is None or fin is None:
        return []
    annees = {a for p in (ouverture, fin) for d, f, _ in p.periodes for a in range(d, (f or d) + 1)}
    return sorted(m for m in annees if ouverture.valeur(m) is not None and fin.valeur(m) is not None)


def choisir(parametres: Any, millesime: int | None, date_reference: dt.date) -> int:
    """Le millésime à vérifier : celui demandé s'il existe, sinon celui qui couvre la date."""
    if millesime is not None:
        existants = disponibles(parametres)
        if millesime not in existants:
            raise refus_millesime(millesime, existants)
        return millesime
    return millesime_de_la_date(date_reference, fenetres(parametres))


def millesimes_disponibles() -> list[int]:
    """Les millésimes qui existent, d'après le calendrier du socle (et les millésimes ouverts
    dans le dossier de l'utilisateur)."""
    from cdv_regles.parametres import parametres_du_socle

    return disponibles(parametres_du_socle())
