"""Graphiques en barres horizontales, écrits en SVG à la main.

Pourquoi pas une bibliothèque : il ne faut qu'un type de graphique (barres horizontales, valeur
écrite au bout de la barre, trait d'enveloppe éventuel) ; une centaine de lignes sans dépendance
donnent un SVG déterministe (comparable d'un rapport à l'autre), autonome (aucune police ni
script à charger) et sans coût d'import. matplotlib est trop lourd à importer ; pygal ou plotly
embarquent du JavaScript ou des feuilles de style à part.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape as _escape_html

from cdv_regles.affichage import visible

LARGEUR = 1000
TAILLE_TEXTE = 13
# Largeur moyenne d'un caractère (police sans empattement à 13 px), pour placer les textes.
CHASSE = 6.9
COULEUR = "#2f6690"
COULEUR_ALERTE = "#b3261e"
COULEUR_REPERE = "#1b1b1b"
LIBELLES_MAX = 0.40  # part de la largeur laissée aux libellés


def escape(texte: object) -> str:
    """Texte sûr en SVG : caractères spéciaux échappés, caractères de contrôle montrés."""
    return _escape_html(visible(texte))


@dataclass(frozen=True)
class Barre:
    libelle: str
    valeur: float
    repere: float | None = None  # trait vertical (enveloppe du financeur), ou None
    alerte: bool = False         # barre en rouge (enveloppe dépassée)
    couleur: str | None = None


def couper(texte: str, largeur_px: float, lignes_max: int = 2) -> list[str]:
    """Le libellé en au plus ``lignes_max`` lignes tenant dans ``largeur_px`` (« … » au-delà)."""
    maxi = max(round(largeur_px / CHASSE), 6)
    mots, lignes, courante = texte.split(), [], ""
    for mot in mots:
        essai = f"{courante} {mot}".strip()
        if len(essai) <= maxi or not courante:
            courante = essai
        else:
            lignes.append(courante)
            courante = mot
    lignes.append(courante)
    if len(lignes) > lignes_max:
        lignes = [*lignes[: lignes_max - 1], " ".join(lignes[lignes_max - 1:])]
    return [ligne if len(ligne) <= maxi else ligne[: maxi - 1].rstrip() + "…" for ligne in lignes]


def barres(titre: str, donnees: list[Barre], ecrire: Callable[[float], str], *,
           legende_repere: str = "enveloppe") -> str:
    """Un graphique en barres horizontales ; ``ecrire`` met une valeur en texte (« 12 500 € »)."""
    if not donnees:
        return ""
    textes = [ecrire(b.valeur) for b in donnees]
    largeur_libelles = min((max(len(b.libelle) for b in donnees) + 1) * CHASSE + 16, LARGEUR * LIBELLES_MAX)
    coupes = [couper(b.libelle, largeur_libelles - 16) for b in donnees]
    deux_lignes = any(len(c) > 1 for c in coupes)
    hauteur_barre = 30 if deux_lignes else 22
    pas = hauteur_barre + (10 if deux_lignes else 8)
    x0 = largeur_libelles
    utile = LARGEUR - x0 - (max(len(t) for t in textes) * CHASSE + 16)
    avec_repere = any(b.repere is not None for b in donnees)
    maximum = max([b.valeur for b in donnees] + [b.repere or 0 for b in donnees] + [0]) or 1.0
    haut = 6
    hauteur = haut + len(donnees) * pas + (26 if avec_repere else 0)
    morceaux = [
        f'<svg class="graphique" role="img" viewBox="0 0 {LARGEUR} {hauteur}" width="{LARGEUR}" '
        f'height="{hauteur}" font-family="Segoe UI, Arial, Helvetica, sans-serif" font-size="{TAILLE_TEXTE}">',
        f"<title>{escape(titre)}</title>",
        f'<line x1="{x0:.1f}" y1="{haut - 2}" x2="{x0:.1f}" y2="{haut + len(donnees) * pas - 4}" stroke="#9e9e9e"/>',
    ]
    for i, (b, texte, lignes) in enumerate(zip(donnees, textes, coupes, strict=True)):
        y = haut + i * pas
        base = y + hauteur_barre / 2 + TAILLE_TEXTE * 0.35
        longueur = max(utile * max(b.valeur, 0) / maximum, 0)
        couleur = b.couleur or (COULEUR_ALERTE if b.alerte else COULEUR)
        morceaux.append(f"<g><title>{escape(b.libelle)} : {escape(texte)}</title>")
        if len(lignes) == 1:
            morceaux.append(f'<text x="{x0 - 8:.1f}" y="{base:.1f}" text-anchor="end">{escape(lignes[0])}</text>')
        else:
            morceaux.append(f'<text x="{x0 - 8:.1f}" y="{base - 8:.1f}" text-anchor="end">'
                            f'<tspan>{escape(lignes[0])}</tspan>'
                            f'<tspan x="{x0 - 8:.1f}" dy="16">{escape(lignes[1])}</tspan></text>')
        if longueur > 0:
            morceaux.append(f'<rect x="{x0:.1f}" y="{y}" width="{longueur:.1f}" height="{hauteur_barre}" '
                            f'fill="{couleur}" rx="2"/>')
        poids = ' font-weight="600"' if b.alerte else ""
        morceaux.append(f'<text x="{x0 + longueur + 6:.1f}" y="{base:.1f}"{poids}>{escape(texte)}</text>')
        if b.repere is not None:
            xr = x0 + utile * b.repere / maximum
            morceaux.append(f'<line x1="{xr:.1f}" y1="{y - 3}" x2="{xr:.1f}" y2="{y + hauteur_barre + 3}" '
                            f'stroke="{COULEUR_REPERE}" stroke-width="2.5" stroke-dasharray="4 2"/>')
        morceaux.append("</g>")
    if avec_repere:
        y = hauteur - 8
        morceaux.append(f'<line x1="{x0:.1f}" y1="{y - 4}" x2="{x0 + 18:.1f}" y2="{y - 4}" '
                        f'stroke="{COULEUR_REPERE}" stroke-width="2.5" stroke-dasharray="4 2"/>')
        morceaux.append(f'<text x="{x0 + 24:.1f}" y="{y}">{escape(legende_repere)}</text>')
    morceaux.append("</svg>")
    return "".join(morceaux)
