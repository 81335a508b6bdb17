# Generated from ui/service_catalogue_dialog.ui by packaging/compile_forms.py (pyside6-uic). Do not edit:
# change the form in Qt Designer, then run `uv run python packaging/compile_forms.py`.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'service_catalogue_dialog.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QApplication, QCheckBox,
    QComboBox, QDialog, QDialogButtonBox, QFormLayout,
    QGroupBox, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QPushButton, QSizePolicy, QSpacerItem,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

class Ui_ServiceCatalogueDialog(object):
    def setupUi(self, ServiceCatalogueDialog):
        if not ServiceCatalogueDialog.objectName():
            ServiceCatalogueDialog.setObjectName(u"ServiceCatalogueDialog")
        ServiceCatalogueDialog.resize(900, 460)
        self.mainLayout = QVBoxLayout(ServiceCatalogueDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.introLabel = QLabel(ServiceCatalogueDialog)
        self.introLabel.setObjectName(u"introLabel")
        self.introLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.introLabel)

        self.columnsLayout = QHBoxLayout()
        self.columnsLayout.setObjectName(u"columnsLayout")
        self.serviceTable = QTableWidget(ServiceCatalogueDialog)
        self.serviceTable.setObjectName(u"serviceTable")
        self.serviceTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.serviceTable.setAlternatingRowColors(True)
        self.serviceTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.serviceTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.serviceTable.setSortingEnabled(False)
        self.serviceTable.horizontalHeader().setStretchLastSection(True)
        self.serviceTable.verticalHeader().setVisible(False)

        self.columnsLayout.addWidget(self.serviceTable)

        self.serviceBox = QGroupBox(ServiceCatalogueDialog)
        self.serviceBox.setObjectName(u"serviceBox")
        self.serviceLayout = QVBoxLayout(self.serviceBox)
        self.serviceLayout.setObjectName(u"serviceLayout")
        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.formLayout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.nameLabel = QLabel(self.serviceBox)
        self.nameLabel.setObjectName(u"nameLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.nameLabel)

        self.nameEdit = QLineEdit(self.serviceBox)
        self.nameEdit.setObjectName(u"nameEdit")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.nameEdit)

        self.tierLabel = QLabel(self.serviceBox)
        self.tierLabel.setObjectName(u"tierLabel")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.tierLabel)

        self.tierCombo = QComboBox(self.serviceBox)
        self.tierCombo.setObjectName(u"tierCombo")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.tierCombo)

        self.ownerLabel = QLabel(self.serviceBox)
        self.ownerLabel.setObjectName(u"ownerLabel")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.ownerLabel)

        self.ownerEdit = QLineEdit(self.serviceBox)
        self.ownerEdit.setObjectName(u"ownerEdit")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.ownerEdit)

        self.usersLabel = QLabel(self.serviceBox)
        self.usersLabel.setObjectName(u"usersLabel")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.usersLabel)

        self.usersEdit = QLineEdit(self.serviceBox)
        self.usersEdit.setObjectName(u"usersEdit")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.usersEdit)

        self.criticalCheck = QCheckBox(self.serviceBox)
        self.criticalCheck.setObjectName(u"criticalCheck")

        self.formLayout.setWidget(4, QFormLayout.ItemRole.FieldRole, self.criticalCheck)

        self.revenueCheck = QCheckBox(self.serviceBox)
        self.revenueCheck.setObjectName(u"revenueCheck")

        self.formLayout.setWidget(5, QFormLayout.ItemRole.FieldRole, self.revenueCheck)

        self.externalCheck = QCheckBox(self.serviceBox)
        self.externalCheck.setObjectName(u"externalCheck")

        self.formLayout.setWidget(6, QFormLayout.ItemRole.FieldRole, self.externalCheck)


        self.serviceLayout.addLayout(self.formLayout)

        self.errorLabel = QLabel(self.serviceBox)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setWordWrap(True)

        self.serviceLayout.addWidget(self.errorLabel)

        self.formSpacer = QSpacerItem(20, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.serviceLayout.addItem(self.formSpacer)

        self.editButtons = QHBoxLayout()
        self.editButtons.setObjectName(u"editButtons")
        self.newButton = QPushButton(self.serviceBox)
        self.newButton.setObjectName(u"newButton")

        self.editButtons.addWidget(self.newButton)

        self.retireButton = QPushButton(self.serviceBox)
        self.retireButton.setObjectName(u"retireButton")

        self.editButtons.addWidget(self.retireButton)

        self.buttonSpacer = QSpacerItem(0, 20, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.editButtons.addItem(self.buttonSpacer)

        self.saveButton = QPushButton(self.serviceBox)
        self.saveButton.setObjectName(u"saveButton")

        self.editButtons.addWidget(self.saveButton)


        self.serviceLayout.addLayout(self.editButtons)


        self.columnsLayout.addWidget(self.serviceBox)

        self.columnsLayout.setStretch(0, 3)
        self.columnsLayout.setStretch(1, 2)

        self.mainLayout.addLayout(self.columnsLayout)

        self.buttonBox = QDialogButtonBox(ServiceCatalogueDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.StandardButton.Close)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.nameLabel.setBuddy(self.nameEdit)
        self.tierLabel.setBuddy(self.tierCombo)
        self.ownerLabel.setBuddy(self.ownerEdit)
        self.usersLabel.setBuddy(self.usersEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.serviceTable, self.nameEdit)
        QWidget.setTabOrder(self.nameEdit, self.tierCombo)
        QWidget.setTabOrder(self.tierCombo, self.ownerEdit)
        QWidget.setTabOrder(self.ownerEdit, self.usersEdit)
        QWidget.setTabOrder(self.usersEdit, self.criticalCheck)
        QWidget.setTabOrder(self.criticalCheck, self.revenueCheck)
        QWidget.setTabOrder(self.revenueCheck, self.externalCheck)
        QWidget.setTabOrder(self.externalCheck, self.saveButton)

        self.retranslateUi(ServiceCatalogueDialog)

        QMetaObject.connectSlotsByName(ServiceCatalogueDialog)
    # setupUi

    def retranslateUi(self, ServiceCatalogueDialog):
        ServiceCatalogueDialog.setWindowTitle(QCoreApplication.translate("ServiceCatalogueDialog", u"Service catalogue", None))
        self.introLabel.setText(QCoreApplication.translate("ServiceCatalogueDialog", u"The services the desk supports. The declaration checklist uses them to prefill its answers when an incident names the services it affects.", None))
        self.serviceBox.setTitle(QCoreApplication.translate("ServiceCatalogueDialog", u"Service", None))
        self.nameLabel.setText(QCoreApplication.translate("ServiceCatalogueDialog", u"&Name:", None))
        self.nameEdit.setPlaceholderText(QCoreApplication.translate("ServiceCatalogueDialog", u"As incidents name it, e.g. Payments", None))
        self.tierLabel.setText(QCoreApplication.translate("ServiceCatalogueDialog", u"&Tier:", None))
        self.ownerLabel.setText(QCoreApplication.translate("ServiceCatalogueDialog", u"&Owner:", None))
        self.ownerEdit.setPlaceholderText(QCoreApplication.translate("ServiceCatalogueDialog", u"Team or person accountable", None))
        self.usersLabel.setText(QCoreApplication.translate("ServiceCatalogueDialog", u"&Users served:", None))
        self.usersEdit.setPlaceholderText(QCoreApplication.translate("ServiceCatalogueDialog", u"unknown", None))
        self.criticalCheck.setText(QCoreApplication.translate("ServiceCatalogueDialog", u"&Business-critical", None))
        self.revenueCheck.setText(QCoreApplication.translate("ServiceCatalogueDialog", u"Re&venue-generating", None))
        self.externalCheck.setText(QCoreApplication.translate("ServiceCatalogueDialog", u"Used by e&xternal customers", None))
        self.newButton.setText(QCoreApplication.translate("ServiceCatalogueDialog", u"New servi&ce", None))
        self.retireButton.setText(QCoreApplication.translate("ServiceCatalogueDialog", u"&Retire\u2026", None))
        self.saveButton.setText(QCoreApplication.translate("ServiceCatalogueDialog", u"&Save", None))
    # retranslateUi

