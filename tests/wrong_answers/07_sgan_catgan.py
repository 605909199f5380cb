"""Plausible wrong answers to notebook 07 and the score (of 24) each must get.

Each entry changes one student cell of the reference solution (the format is in
tests/wrong_answers/__init__.py); all other cells keep the reference. ``score`` is the total of
the test cells that still pass (test_labelled_split 2, test_supervised_loss 2, test_real_logit 2,
test_sgan_d_loss 3, test_feature_matching_loss 2, test_sgan_g_step 4, test_conditional_entropy 2,
test_marginal_entropy 2, test_catgan_d_loss 3, test_catgan_g_loss 2). sgan_d_loss calls
supervised_loss and real_logit, sgan_g_step calls feature_matching_loss, and both CatGAN losses call
the two entropies: a mistake in one of those also fails the tests of the functions that use it.
"""

WRONG = [
    # the same seed gives other positions once the global random state changes: test_labelled_split (2) fails
    dict(name='label split drawn from the global random state', cell='labelled_split', score=22, edits=[
        ("""
        picked.append(where[torch.randperm(len(where), generator=g)[:per_class]])
        """,
         """
        picked.append(where[torch.randperm(len(where))[:per_class]])
        """),
    ]),
    # balanced and reproducible, but not random: the hidden part of test_labelled_split (2) fails
    dict(name='label split takes the first examples of each class', cell='labelled_split', score=22, edits=[
        ("""
        picked.append(where[torch.randperm(len(where), generator=g)[:per_class]])
        """,
         """
        picked.append(where[:per_class])
        """),
    ]),
    # the unlabelled rows' labels enter the loss: test_supervised_loss (2) fails, and test_sgan_d_loss (3),
    # whose unlabelled row carries the label -1
    dict(name='unlabelled images leak their labels into the supervised loss', cell='supervised_loss', score=19, edits=[
        ("""
        return F.cross_entropy(logits[labelled], labels[labelled])
        """,
         """
        return F.cross_entropy(logits, labels)
        """),
    ]),
    # test_supervised_loss (2) and test_sgan_d_loss (3) fail
    dict(name='supervised loss divided by all rows, not the labelled ones', cell='supervised_loss', score=19, edits=[
        ("""
        return F.cross_entropy(logits[labelled], labels[labelled])
        """,
         """
        per_row = F.cross_entropy(logits, labels.clamp(min=0), reduction="none")
        return (per_row * labelled).sum() / len(logits)
        """),
    ]),
    # test_real_logit (2) and test_sgan_d_loss (3) fail
    dict(name='real score as the largest logit (max) instead of logsumexp', cell='real_logit', score=19, edits=[
        ("""
        return torch.logsumexp(class_logits, dim=1)
        """,
         """
        return class_logits.max(dim=1).values
        """),
    ]),
    # right for small logits, infinite for large ones: only the hidden part of test_real_logit (2) fails
    dict(name='real score as log(sum(exp)), which overflows', cell='real_logit', score=22, edits=[
        ("""
        return torch.logsumexp(class_logits, dim=1)
        """,
         """
        return torch.log(torch.exp(class_logits).sum(dim=1))
        """),
    ]),
    # test_sgan_d_loss (3) fails
    dict(name="swapped real/fake targets in SGAN's D loss", cell='sgan_d_loss', score=21, edits=[
        ("""
        loss_unsup = (F.binary_cross_entropy_with_logits(real_score, torch.ones_like(real_score))
                      + F.binary_cross_entropy_with_logits(fake_score, torch.zeros_like(fake_score)))
        """,
         """
        loss_unsup = (F.binary_cross_entropy_with_logits(real_score, torch.zeros_like(real_score))
                      + F.binary_cross_entropy_with_logits(fake_score, torch.ones_like(fake_score)))
        """),
    ]),
    # test_sgan_d_loss (3) fails
    dict(name="SGAN's real term on the unlabelled images only", cell='sgan_d_loss', score=21, edits=[
        ("""
        real_score, fake_score = real_logit(real_logits), real_logit(fake_logits)
        """,
         """
        real_score, fake_score = real_logit(real_logits[~labelled]), real_logit(fake_logits)
        """),
    ]),
    # only the hidden check on the meta device fails: test_sgan_d_loss (3)
    dict(name="SGAN's D loss makes its targets on the CPU (fails on a GPU)", cell='sgan_d_loss', score=21, edits=[
        ("""
        loss_unsup = (F.binary_cross_entropy_with_logits(real_score, torch.ones_like(real_score))
                      + F.binary_cross_entropy_with_logits(fake_score, torch.zeros_like(fake_score)))
        """,
         """
        loss_unsup = (F.binary_cross_entropy_with_logits(real_score, torch.ones(len(real_score)))
                      + F.binary_cross_entropy_with_logits(fake_score, torch.zeros(len(fake_score))))
        """),
    ]),
    # the real features get a gradient: the hidden part of test_feature_matching_loss (2) fails; G's update is the
    # same, so test_sgan_g_step passes
    dict(name='feature matching without detaching the real features', cell='feature_matching_loss', score=22, edits=[
        ("""
        target = real_features.detach().mean(dim=0)  # (F,): the real batch's mean features, a fixed target
        """,
         """
        target = real_features.mean(dim=0)
        """),
    ]),
    # each fake against each real image instead of the batch means: test_feature_matching_loss (2) and
    # test_sgan_g_step (4) fail
    dict(name='feature matching per pair of images, not on the batch means', cell='feature_matching_loss', score=18,
         edits=[
        ("""
        target = real_features.detach().mean(dim=0)  # (F,): the real batch's mean features, a fixed target
        return ((target - fake_features.mean(dim=0)) ** 2).mean()
        """,
         """
        return ((real_features.detach()[:, None] - fake_features[None]) ** 2).mean()
        """),
    ]),
    # test_sgan_g_step (4) fails in its visible part
    dict(name="feature matching on D's output (logits) instead of an intermediate layer", cell='sgan_g_step',
         score=20, edits=[
        ("""
        _, real_features = D(real, return_features=True)
        _, fake_features = D(G(z), return_features=True)  # no detach: loss_G reaches G through D
        """,
         """
        real_features = D(real)
        fake_features = D(G(z))
        """),
    ]),
    # G's update is right, but D is left frozen: test_sgan_g_step (4) fails in its visible part
    dict(name='G step freezes D and never unfreezes it', cell='sgan_g_step', score=20, edits=[
        ("""
        _, real_features = D(real, return_features=True)
        """,
         """
        D.requires_grad_(False)  # D is fixed during the G step (and never unfrozen)
        _, real_features = D(real, return_features=True)
        """),
    ]),
    # D moves during the G step: test_sgan_g_step (4) fails
    dict(name='G step also steps opt_D', cell='sgan_g_step', score=20, edits=[
        ("""
        opt_G.step()  # only G moves: opt_G holds G's parameters alone
        """,
         """
        opt_G.step()
        opt_D.step()
        """),
    ]),
    # loss_G cannot reach G (backward raises): test_sgan_g_step (4) fails
    dict(name='G step with detached fakes', cell='sgan_g_step', score=20, edits=[
        ("""
        _, fake_features = D(G(z), return_features=True)  # no detach: loss_G reaches G through D
        """,
         """
        _, fake_features = D(G(z).detach(), return_features=True)
        """),
    ]),
    # NaN or wrong values: test_conditional_entropy (2), test_catgan_d_loss (3) and test_catgan_g_loss (2) fail
    dict(name='entropy of the logits instead of the probabilities', cell='conditional_entropy', score=17, edits=[
        ("""
        log_p = F.log_softmax(logits, dim=1)
        return -(log_p.exp() * log_p).sum(dim=1).mean()
        """,
         """
        return -(logits * torch.log(logits)).sum(dim=1).mean()
        """),
    ]),
    # right for moderate logits, NaN where softmax rounds to 0: only the hidden part of test_conditional_entropy (2)
    dict(name='entropy as log(softmax), NaN for very large logits', cell='conditional_entropy', score=22, edits=[
        ("""
        log_p = F.log_softmax(logits, dim=1)
        return -(log_p.exp() * log_p).sum(dim=1).mean()
        """,
         """
        p = F.softmax(logits, dim=1)
        return -(p * torch.log(p)).sum(dim=1).mean()
        """),
    ]),
    # test_marginal_entropy (2), test_catgan_d_loss (3) and test_catgan_g_loss (2) fail
    dict(name='marginal entropy averaged per sample instead of from the mean prediction', cell='marginal_entropy',
         score=17, edits=[
        ("""
        p_mean = F.softmax(logits, dim=1).mean(dim=0)  # (K,): the batch's estimate of p(y)
        return -(p_mean * torch.log(p_mean.clamp_min(1e-12))).sum()
        """,
         """
        p = F.softmax(logits, dim=1)
        return -(p * torch.log(p.clamp_min(1e-12))).sum(dim=1).mean()
        """),
    ]),
    # the mean of the logits is not the mean prediction: test_marginal_entropy (2) fails in its hidden part, and the
    # CatGAN losses (3 + 2) give other values
    dict(name='marginal entropy from the mean of the logits', cell='marginal_entropy', score=17, edits=[
        ("""
        p_mean = F.softmax(logits, dim=1).mean(dim=0)  # (K,): the batch's estimate of p(y)
        """,
         """
        p_mean = F.softmax(logits.mean(dim=0), dim=0)
        """),
    ]),
    # test_catgan_d_loss (3) fails
    dict(name="CatGAN's D loss with G's sign on the fakes' entropy", cell='catgan_d_loss', score=21, edits=[
        ("""
        - conditional_entropy(fake_logits))
        """,
         """
        + conditional_entropy(fake_logits))
        """),
    ]),
    # test_catgan_d_loss (3) fails
    dict(name="CatGAN's D loss maximised instead of minimised (every sign flipped)", cell='catgan_d_loss', score=21,
         edits=[
        ("""
        return (conditional_entropy(real_logits) - marginal_entropy(real_logits)
                - conditional_entropy(fake_logits))
        """,
         """
        return (-conditional_entropy(real_logits) + marginal_entropy(real_logits)
                + conditional_entropy(fake_logits))
        """),
    ]),
    # test_catgan_g_loss (2) fails
    dict(name="CatGAN's G loss with D's signs (swapped)", cell='catgan_g_loss', score=22, edits=[
        ("""
        return conditional_entropy(fake_logits) - marginal_entropy(fake_logits)
        """,
         """
        return marginal_entropy(fake_logits) - conditional_entropy(fake_logits)
        """),
    ]),
    # test_catgan_g_loss (2) fails
    dict(name="CatGAN's G loss adds the marginal entropy", cell='catgan_g_loss', score=22, edits=[
        ("""
        return conditional_entropy(fake_logits) - marginal_entropy(fake_logits)
        """,
         """
        return conditional_entropy(fake_logits) + marginal_entropy(fake_logits)
        """),
    ]),
]
