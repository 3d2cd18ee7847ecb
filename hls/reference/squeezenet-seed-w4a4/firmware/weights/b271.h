//Numpy array shape [10]
//Min -0.000000000000
//Max 0.093750000000
//Number of zeros 1

#ifndef B271_H_
#define B271_H_

#ifndef __SYNTHESIS__
bias271_t b271[10];
#else
bias271_t b271[10] = {0.06250, 0.06250, 0.09375, 0.03125, 0.06250, 0.03125, 0.06250, 0.06250, 0.06250, -0.00000};

#endif

#endif
