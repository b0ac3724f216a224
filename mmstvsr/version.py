"""mmstvsr's version: the newest release of CHANGELOG.md (a test checks that they agree)."""
__version__ = '0.1.0'


def parse_version_info(version_str: str) -> tuple:
    """``'0.1.0'`` -> ``(0, 1, 0)``, ``'1.0.0rc1'`` -> ``(1, 0, 0, 'rc1')`` (as MMagic's)."""
    info = []
    for part in version_str.split('.'):
        if part.isdigit():
            info.append(int(part))
        elif 'rc' in part:
            number, rc = part.split('rc')
            info.extend([int(number), f'rc{rc}'])
    return tuple(info)


version_info = parse_version_info(__version__)
