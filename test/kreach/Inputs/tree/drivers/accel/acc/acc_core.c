#include "acc.h"

static const struct acc_dev_ops acc_hw_ops = {
	.hmm_invalidate = acc_hw_invalidate,
};

void acc_probe(struct acc_dev *dev)
{
	dev->ops = &acc_hw_ops;
}
