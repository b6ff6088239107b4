from cdv_regles.cli import main

main()
