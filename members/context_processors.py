from members import roles as role_rules


def roles(request):
    """Expose the user's roles to templates, for the navigation."""
    user = request.user
    return {
        "is_secretariat": role_rules.is_secretariat(user),
        "reads_everything": role_rules.reads_everything(user),
        "has_organization": role_rules.organization_id(user) is not None,
        "is_fund_manager": role_rules.is_fund_manager(user),
    }
