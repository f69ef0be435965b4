"""The bundled rule packs (the ``*.toml`` files here), installed as the package
``policycli.patterns`` so that importlib.resources finds them in a wheel, an
editable install or a zip alike."""
