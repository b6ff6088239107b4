"""Rend le rapport HTML de synthèse dans Chromium sans tête et en garde une capture PNG.

Pour regarder le rapport comme une personne le verrait (graphiques lisibles, textes français) :

    uv run python outils/capture_synthese.py [FICHIER] [--sortie capture.png] [--date 2023-03-01]

FICHIER : le classeur à synthétiser (défaut : classeurs/exemple-programmation-2023.xlsx), ou un
rapport .html déjà produit. Le rapport HTML est gardé à côté de la capture (même nom, .html).
Chromium (paquet Debian ``chromium``) est lancé hors réseau : profil temporaire, pas de mise à
jour, pas de synchronisation. Statut 2 si chromium est absent ou si la capture échoue.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
CLASSEUR_EXEMPLE = RACINE / "classeurs" / "exemple-programmation-2023.xlsx"
NAVIGATEURS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def trouver_chromium() -> str | None:
    """Le chemin de Chromium (variable CDV_REGLES_CHROMIUM, sinon le PATH), ou None."""
    impose = os.environ.get("CDV_REGLES_CHROMIUM")
    if impose:
        return impose if Path(impose).exists() else None
    return next((p for nom in NAVIGATEURS if (p := shutil.which(nom))), None)


def capturer(html: Path, png: Path, *, largeur: int = 1280, hauteur: int = 2000, delai: int = 120) -> Path:
    """Capture ``html`` dans ``png`` avec Chromium sans tête ; lève RuntimeError en cas d'échec."""
    chromium = trouver_chromium()
    if chromium is None:
        raise RuntimeError("Chromium est introuvable : installez-le (apt-get install -y chromium) "
                           "ou donnez son chemin dans CDV_REGLES_CHROMIUM.")
    png = png.resolve()
    with tempfile.TemporaryDirectory(prefix="cdv-chromium-") as profil:
        commande = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--hide-scrollbars", f"--user-data-dir={profil}", f"--screenshot={png}",
            f"--window-size={largeur},{hauteur}", html.resolve().as_uri(),
        ]
        try:
            fini = subprocess.run(commande, capture_output=True, text=True, timeout=delai, check=False)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"Chromium n'a pas rendu la page en {delai} s.") from None
    if fini.returncode != 0 or not png.exists() or png.stat().st_size == 0:
        raise RuntimeError(f"la capture a échoué (statut {fini.returncode}) : {fini.stderr.strip()[-500:]}")
    return png


def rapport_html(classeur: Path, html: Path, date_reference: dt.date | None) -> None:
    from cdv_regles.ecriture import ecrire_texte
    from cdv_regles.synthese.commande import produire

    rapport = produire(classeur, "html", date_reference=date_reference)
    ecrire_texte(html, rapport.texte, protege=classeur)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Capture PNG du rapport de synthèse (Chromium sans tête).")
    parser.add_argument("fichier", nargs="?", type=Path, default=CLASSEUR_EXEMPLE,
                        help="classeur à synthétiser, ou rapport .html déjà produit")
    parser.add_argument("--sortie", type=Path, default=Path("capture-synthese.png"), help="capture PNG à écrire")
    parser.add_argument("--date", type=dt.date.fromisoformat, default=None,
                        help="date de référence des échéances (AAAA-MM-JJ)")
    parser.add_argument("--hauteur", type=int, default=2000, help="hauteur de la fenêtre en pixels")
    args = parser.parse_args(argv)
    if not args.fichier.exists():
        print(f"Erreur : {args.fichier} n'existe pas.", file=sys.stderr)
        return 2
    html = args.fichier
    if html.suffix.lower() not in (".html", ".htm"):
        html = args.sortie.with_suffix(".html")
        rapport_html(args.fichier, html, args.date)
    try:
        png = capturer(html, args.sortie, hauteur=args.hauteur)
    except RuntimeError as e:
        print(f"Erreur : {e}", file=sys.stderr)
        return 2
    print(f"Capture : {png} (rapport : {html})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
