//Numpy array shape [6]
//Min -0.324707031250
//Max 0.065429687500
//Number of zeros 1

#ifndef B96_H_
#define B96_H_

#ifndef __SYNTHESIS__
bias96_t b96[6];
#else
bias96_t b96[6] = {-0.32470703125, -0.27197265625, -0.17382812500, 0.06542968750, 0.00000000000, -0.01708984375};

#endif

#endif
