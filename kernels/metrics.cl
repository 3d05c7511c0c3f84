/*
 * metrics.cl: classification metrics over scores x (n, classes), row-major, labels int (n).
 *   argmax_rows(idx, x, n, classes): idx[r] = first index of the row maximum; NaN counts as the maximum
 *       (as torch.argmax). One work-item per row.
 *   count_correct(count, x, labels, n, classes): count[0] += number of rows whose arg-max equals the label;
 *       the host zeroes count first. One work-item per row, atomic increments (integer, so order-free).
 * Dispatched by OpenClBackend.argmaxRows / countCorrect.
 */

int row_argmax(const __global float *row, const int classes) {
    int best = 0;
    for (int j = 1; j < classes && !isnan(row[best]); j++) {
        const float v = row[j];
        if (v > row[best] || isnan(v)) {
            best = j;
        }
    }
    return best;
}

__kernel void argmax_rows(__global int *idx, const __global float *x, const int n, const int classes) {
    ELEMENT_INDEX(r, n)
    idx[r] = row_argmax(x + r * classes, classes);
}

__kernel void count_correct(volatile __global int *count, const __global float *x, const __global int *labels,
                            const int n, const int classes) {
    ELEMENT_INDEX(r, n)
    if (row_argmax(x + r * classes, classes) == labels[r]) {
        atomic_inc(count);
    }
}
