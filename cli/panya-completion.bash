# bash completion for panya (installed as bash-completion/completions/panya).
# Commands and options come from the panya being completed ('panya --help', 'panya help
# CMD'), so they always match the installed version.
_panya() {
    local cur prev cmd
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    if [ "$COMP_CWORD" -eq 1 ]; then
        local commands
        commands=$("${COMP_WORDS[0]}" --help 2>/dev/null |
            sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p')
        mapfile -t COMPREPLY < <(compgen -W "$commands help --help --version" -- "$cur")
        return
    fi
    cmd=${COMP_WORDS[1]}
    if [ "$cmd" = help ]; then
        mapfile -t COMPREPLY < <(compgen -W "$("${COMP_WORDS[0]}" --help 2>/dev/null |
            sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p')" -- "$cur")
        return
    fi
    case $prev in
        --profile | --profiles)
            mapfile -t COMPREPLY < <(compgen -W "small low modern source" -- "$cur")
            return ;;
        --source)
            mapfile -t COMPREPLY < <(compgen -W "scorm h5p pdf imscc kpl folder" -- "$cur")
            return ;;
        --format)
            mapfile -t COMPREPLY < <(compgen -W "text json junit" -- "$cur")
            return ;;
        --cache | --schemas)
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
            return ;;
        --level | --threads | --id | --pack-version | --title | --title-lo | --split)
            return ;;
    esac
    if [[ $cur == -* ]]; then
        local options
        options=$("${COMP_WORDS[0]}" help "$cmd" 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)
        mapfile -t COMPREPLY < <(compgen -W "$options -q -v -o" -- "$cur")
        return
    fi
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    compopt -o filenames 2>/dev/null
}
complete -F _panya panya
